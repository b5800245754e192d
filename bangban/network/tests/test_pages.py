"""Every page answers its users and no one else (404 outside one's role or scope), lists are
scoped, and the empty states say so."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from bangban.network.actions import ContactInput, do_assign, do_log_contact

API = "/api/v1/network"


@pytest.fixture
def logged(net: Any) -> Any:
    admin = net.world.admin
    do_assign(acting_user=admin, enterprise_id=net.general.pk, officer_id=net.township_officer.pk)
    do_assign(acting_user=admin, enterprise_id=net.siyang_general.pk, officer_id=net.siyang_officer.pk)
    today = timezone.localdate()
    for officer, enterprise in (
        (net.township_officer, net.general),
        (net.siyang_officer, net.siyang_general),
    ):
        do_log_contact(
            acting_user=officer,
            data=ContactInput(enterprise_id=enterprise.pk, kind="visit", contact_on=today, summary="走访"),
        )
    return net


@pytest.mark.parametrize(
    "path",
    [
        "/network/assignments/",
        "/network/assignments/new/",
        "/network/assignments/import/",
        "/network/coverage/",
        "/network/contacts/",
        "/network/compliance/",
        "/network/compliance/?view=region",
        "/network/compliance/?view=enterprise",
        "/network/verification/",
        "/network/leader-visits/new/",
    ],
)
def test_manager_pages(logged: Any, login: Any, path: str) -> None:
    assert login(logged.world.biz_office).get(path).status_code == 200


def test_import_template(logged: Any, login: Any) -> None:
    response = login(logged.world.admin).get("/network/assignments/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_pages_closed_to_others(logged: Any, login: Any) -> None:
    handler = login(logged.world.handler_shuyang)
    for path in ("/network/coverage/", "/network/compliance/", "/network/mine/", "/network/enterprise/"):
        assert handler.get(path).status_code == 404, path
    assert handler.get("/network/assignments/new/").status_code == 403
    officer = login(logged.township_officer)
    assert officer.get("/network/assignments/new/").status_code == 403
    assert officer.get("/network/coverage/").status_code == 404
    assert login(logged.world.enterprise_user).get("/network/contacts/new/").status_code == 403


def test_contacts_are_scoped(logged: Any, login: Any) -> None:
    city = login(logged.world.biz_office).get(f"{API}/contacts").json()
    assert city["count"] == 2
    county = login(logged.shuyang_head).get(f"{API}/contacts").json()
    assert [c["enterprise_name"] for c in county["items"]] == [logged.general.name]
    own = login(logged.siyang_officer).get(f"{API}/contacts").json()
    assert [c["enterprise_name"] for c in own["items"]] == [logged.siyang_general.name]
    page = login(logged.shuyang_head).get("/network/contacts/").content.decode()
    assert logged.general.name in page and logged.siyang_general.name not in page
    filtered = login(logged.world.biz_office).get(f"{API}/contacts", {"kind": "phone"}).json()
    assert filtered["count"] == 0
    listing = login(logged.world.biz_office).get("/network/contacts/", {"kind": "phone"}).content.decode()
    assert "暂无联系走访记录" in listing


def test_officer_phone_page(logged: Any, login: Any) -> None:
    page = login(logged.township_officer).get("/network/mine/").content.decode()
    assert logged.general.name in page and "已走访" in page
    empty = login(logged.county_officer).get("/network/mine/").content.decode()
    assert "暂无挂钩企业" in empty


def test_leader_visit_page(logged: Any, login: Any) -> None:
    client = login(logged.world.biz_office)
    missing = client.post(
        "/network/leader-visits/new/",
        {"enterprise": logged.top100.uscc, "summary": "走访", "contact_on": timezone.localdate().isoformat()},
    )
    assert missing.status_code == 400 and "请填写走访领导姓名" in missing.content.decode()
    ok = client.post(
        "/network/leader-visits/new/",
        {
            "enterprise": logged.top100.uscc,
            "leader_name": "刘副市长",
            "contact_on": timezone.localdate().isoformat(),
            "summary": "现场办公",
            "services_delivered": "协调用地",
        },
    )
    assert ok.status_code == 302
    detail = client.get(ok.url).content.decode()
    assert "刘副市长" in detail and "协调用地" in detail


def test_api_is_documented(db: Any, client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/network/assignments", "/api/v1/network/contacts", "/api/v1/network/compliance"):
        assert path in paths
