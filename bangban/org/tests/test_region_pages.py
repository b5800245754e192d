"""Administrators maintain regions in the product's own pages; staff look them up (R0.1, R0.4)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bangban.audit.models import AuditEvent
from bangban.conftest import make_region
from bangban.org.models import Region


def create(client, **data):
    form = {"code": "", "name": "", "level": "", "parent": "", "official_code": "on"}
    form.update(data)
    return client.post(reverse("org:region_create"), form)


def test_admin_creates_a_township_and_it_is_audited(org, login):
    response = create(login(org.admin), code="321322002", name="章集街道", level="township", parent="321322")
    assert response.status_code == 302
    region = Region.objects.get(code="321322002")
    assert region.parent == org.shuyang and region.path == "/321300/321322/321322002/"
    event = AuditEvent.objects.get(action="org.region.created", object_id=str(region.pk))
    assert event.actor_id == org.admin.pk and (event.after or {})["code"] == "321322002"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code": "32132A", "level": "county", "parent": "321300"}, "code", "只能由数字组成"),
        ({"code": "3213250", "level": "county", "parent": "321300"}, "code", "应为 6 位数字"),
        ({"code": "321322009", "level": "township", "parent": "321300"}, "parent", "上级应为县区或功能区"),
        ({"code": "321325", "level": "county", "parent": ""}, "parent", "必须选择上级区划"),
        ({"code": "321322", "level": "county", "parent": "321300"}, "code", "已被使用"),
    ],
)
def test_invalid_regions_are_refused_with_chinese_errors(org, login, data, field, message):
    response = create(login(org.admin), name="新区划", **data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for e in errors.get(field, [])), errors
    assert message in response.content.decode()
    assert Region.objects.count() == 5


def test_moving_a_county_rewrites_the_paths_of_its_whole_subtree(org, login):
    zone = make_region("321371", "宿迁经济技术开发区", "zone", org.city)
    client = login(org.admin)
    form = {"code": "321322001", "name": "沭城街道", "level": "township", "parent": "321371", "version": 1}
    response = client.post(reverse("org:region_edit", args=["321322001"]), form)
    assert response.status_code == 302
    org.village.refresh_from_db()
    assert org.village.path == "/321300/321371/321322001/321322001001/"
    assert Region.objects.get(code="321322001").parent == zone
    event = AuditEvent.objects.get(action="org.region.updated")
    before, after = event.before or {}, event.after or {}
    assert before["parent_id"] == org.shuyang.pk and after["parent_id"] == zone.pk
    assert after["subtree_paths_updated"] == 1


def test_a_changed_code_is_carried_into_the_subtree_paths(org, login):
    client = login(org.admin)
    form = {"code": "321322101", "name": "沭城街道", "level": "township", "parent": "321322", "version": 1}
    assert client.post(reverse("org:region_edit", args=["321322001"]), form).status_code == 302
    org.village.refresh_from_db()
    assert org.village.path == "/321300/321322/321322101/321322001001/"


def test_a_stale_edit_is_refused(org, login):
    client = login(org.admin)
    form = {
        "code": "321322001",
        "name": "沭城街道（改）",
        "level": "township",
        "parent": "321322",
        "version": 7,
    }
    response = client.post(reverse("org:region_edit", args=["321322001"]), form)
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()
    assert Region.objects.get(code="321322001").name == "沭城街道"


def test_a_region_with_units_cannot_be_deactivated(org, login):
    client = login(org.admin)
    response = client.post(reverse("org:region_active", args=["321323"]), {"active": "0"}, follow=True)
    assert "在用的单位" in response.content.decode()
    assert Region.objects.get(code="321323").is_active


def test_an_empty_region_is_deactivated_and_hidden_from_staff(org, login):
    client = login(org.admin)
    response = client.post(reverse("org:region_active", args=["321322001001"]), {"active": "0"})
    assert response.status_code == 302
    assert not Region.objects.get(code="321322001001").is_active
    assert AuditEvent.objects.filter(action="org.region.deactivated").count() == 1
    staff_page = login(org.handler_siyang).get(reverse("org:regions"), {"q": "3213220010"})
    assert "城中社区" not in staff_page.content.decode()
    admin_page = client.get(reverse("org:regions"), {"q": "3213220010"})
    assert "城中社区" in admin_page.content.decode()


def test_staff_see_the_directory_but_not_the_management_pages(org, login):
    client = login(org.handler_siyang)
    page = client.get(reverse("org:regions"))
    assert page.status_code == 200 and "沭阳县" in page.content.decode()
    assert reverse("org:region_create") not in page.content.decode()
    assert client.get(reverse("org:region_create")).status_code == 404
    assert client.get(reverse("org:region_edit", args=["321322"])).status_code == 404
    assert create(client, code="321399", name="X", level="zone", parent="321300").status_code == 404
    assert client.post(reverse("org:region_active", args=["321322"]), {"active": "0"}).status_code == 404
    assert not Region.objects.filter(code="321399").exists()


def test_enterprise_users_have_no_directory(org, login):
    assert login(org.enterprise_user).get(reverse("org:regions")).status_code == 404


def test_regions_are_searched_by_name_or_code_and_paged(org, login):
    for n in range(1, 26):
        make_region(f"321323{n:03d}", f"泗阳测试镇{n}", "township", org.siyang)
    client = login(org.admin)
    by_name = client.get(reverse("org:regions"), {"q": "泗阳测试镇"})
    assert by_name.context["page"].paginator.count == 25
    assert len(by_name.context["page"].object_list) == 20
    second = client.get(reverse("org:regions"), {"q": "泗阳测试镇", "page": 2})
    assert len(second.context["page"].object_list) == 5
    by_code = client.get(reverse("org:regions"), {"q": "321322"})
    assert {r.code for r in by_code.context["page"]} == {"321322", "321322001", "321322001001"}
    by_level = client.get(reverse("org:regions"), {"level": "county"})
    assert {r.code for r in by_level.context["page"]} == {"321322", "321323"}
