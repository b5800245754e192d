"""The 负面清单 (R7.2): 作风办 publishes versions with dates; everyone signed in reads the one in force."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bangban.audit.models import AuditEvent
from bangban.conduct.models import NegativeListVersion

from .conftest import API


def _body(effective: dt.date, **overrides: Any) -> dict[str, Any]:
    body = {
        "title": "干扰企业生产经营负面清单（修订）",
        "effective_from": effective.isoformat(),
        "items": [{"code": "FM-01", "title": "吃拿卡要"}, {"code": "FM-02", "title": "多头重复检查"}],
    }
    body.update(overrides)
    return body


def test_everyone_signed_in_reads_the_list_in_force(cast: Any, login: Any) -> None:
    for user in (cast.world.enterprise_user, cast.world.handler_siyang, cast.world.auditor):
        response = login(user).get(f"{API}/negative-list")
        assert response.status_code == 200
        body = response.json()
        assert body["number"] == 1 and len(body["items"]) == 11
        assert body["items"][0]["title"] == "吃拿卡要"
    page = login(cast.world.enterprise_user).get("/conduct/negative-list/")
    html = page.content.decode()
    assert page.status_code == 200 and "多头重复检查" in html and "现行有效" in html
    assert "发布新版本" not in html


def test_a_new_version_supersedes_from_its_date_and_history_is_kept(cast: Any, login: Any) -> None:
    client = login(cast.zuofeng)
    later = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(f"{API}/negative-list/versions", _body(later), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2
    # Before its date the first version is still in force; from it, the second.
    assert client.get(f"{API}/negative-list").json()["number"] == 1
    assert client.get(f"{API}/negative-list", {"on": later.isoformat()}).json()["number"] == 2
    assert NegativeListVersion.objects.count() == 2
    event = AuditEvent.objects.filter(action="conduct.negative_list_publish").order_by("-seq").first()
    assert event is not None and event.after is not None
    assert event.after["number"] == 2 and event.after["items"] == ["FM-01", "FM-02"]
    html = client.get("/conduct/negative-list/").content.decode()
    assert "第1版" in html and "第2版" in html


def test_bad_versions_are_refused_with_clear_errors(cast: Any, login: Any) -> None:
    client = login(cast.zuofeng)
    today = timezone.localdate()
    cases = [
        (_body(today - dt.timedelta(days=1)), "effective_in_past"),
        (_body(today), "effective_not_after_latest"),  # the first version is in force from today
        (_body(today + dt.timedelta(days=3), items=[]), "items_required"),
        (
            _body(
                today + dt.timedelta(days=3), items=[{"code": "A", "title": "x"}, {"code": "A", "title": "y"}]
            ),
            "duplicate_item_code",
        ),
    ]
    for body, code in cases:
        response = client.post(f"{API}/negative-list/versions", body, content_type="application/json")
        assert response.status_code == 400, (code, response.content)
        assert response.json()["code"] == code
        assert response.json()["message"]
    assert NegativeListVersion.objects.count() == 1


def test_only_the_conduct_office_publishes(cast: Any, login: Any) -> None:
    later = timezone.localdate() + dt.timedelta(days=5)
    for user in (cast.world.biz_office, cast.world.handler_shuyang, cast.world.enterprise_user):
        response = login(user).post(
            f"{API}/negative-list/versions", _body(later), content_type="application/json"
        )
        assert response.status_code == 403
    assert login(cast.world.handler_shuyang).get("/conduct/negative-list/new/").status_code == 403


def test_the_page_form_publishes_one_item_a_line(cast: Any, login: Any) -> None:
    client = login(cast.zuofeng)
    form = client.get("/conduct/negative-list/new/")
    assert form.status_code == 200 and "FM-11|刁难推诿" in form.content.decode()
    later = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        "/conduct/negative-list/new/",
        {
            "title": "负面清单（2027版）",
            "effective_from": later.isoformat(),
            "items": "FM-01|吃拿卡要|索取财物\n随意要求企业迎检|停产迎检\n\n违规收费",
        },
    )
    assert response.status_code == 302
    version = NegativeListVersion.objects.get(number=2)
    assert [(i.code, i.title) for i in version.items.all()] == [
        ("FM-01", "吃拿卡要"),
        ("02", "随意要求企业迎检"),
        ("03", "违规收费"),
    ]
    bad = client.post("/conduct/negative-list/new/", {"title": "x", "effective_from": "", "items": "a"})
    assert bad.status_code == 400 and "请填写生效日期" in bad.content.decode()


def test_an_entry_cites_the_list_in_force_on_its_day_or_today(cast: Any, login: Any) -> None:
    """An entry before any list was in force is reported under today's list; an item of a version
    not yet in force (nor on the day of the entry) cannot be cited."""
    from bangban.conduct.models import Entry

    w = cast.world
    yesterday = timezone.now() - dt.timedelta(days=1)
    entry = Entry.objects.create(
        enterprise=w.ent_shuyang, official=cast.inspector, unit=w.shuyang_gov, purpose="visit",
        description="参观", entered_at=yesterday, registered_at=yesterday,
    )  # fmt: skip
    later = timezone.localdate() + dt.timedelta(days=10)
    future = login(cast.zuofeng).post(
        f"{API}/negative-list/versions", _body(later), content_type="application/json"
    )
    future_item = future.json()["items"][0]["id"]
    url = f"{API}/entries/{entry.pk}/response"
    company = login(w.enterprise_user)
    refused = company.post(
        url, {"decision": "report", "item_id": future_item, "note": "x"}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "item_not_found"
    ok = company.post(
        url,
        {"decision": "report", "item_id": cast.items["FM-01"].pk, "note": "索要礼品"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["breached_item_title"] == "吃拿卡要"
