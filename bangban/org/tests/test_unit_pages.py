"""Units: the directory every staff member uses, maintained by administrators (R0.1, R0.4)."""

from __future__ import annotations

from django.urls import reverse

from bangban.audit.models import AuditEvent
from bangban.conftest import make_user
from bangban.org.models import Unit, UnitType


def unit_form(**data):
    form = {
        "code": "",
        "name": "",
        "short_name": "",
        "type": "",
        "site_level": "",
        "region": "",
        "parent": "",
        "duties": "",
        "phone": "",
    }
    form.update(data)
    return form


def test_admin_creates_a_service_site_under_a_county(org, login):
    client = login(org.admin)
    data = unit_form(
        code="site-shucheng",
        name="沭阳县沭城街道便民服务中心",
        type="service_site",
        site_level="township",
        region="321322001",
        parent=str(org.shuyang_gov.pk),
        phone="0527-83512345",
    )
    response = client.post(reverse("org:unit_create"), data)
    unit = Unit.objects.get(code="site-shucheng")
    assert response.status_code == 302 and response["Location"] == reverse("org:unit_detail", args=[unit.pk])
    assert unit.site_level == "township" and unit.region == org.shucheng
    after = AuditEvent.objects.get(action="org.unit.created").after or {}
    assert after["name"] == "沭阳县沭城街道便民服务中心"


def test_a_service_site_needs_a_site_level(org, login):
    data = unit_form(code="site-x", name="某服务中心", type="service_site", region="321322")
    response = login(org.admin).post(reverse("org:unit_create"), data)
    assert response.status_code == 200
    assert "政务服务场所须选择场所层级" in response.content.decode()
    assert not Unit.objects.filter(code="site-x").exists()


def test_only_a_service_site_has_a_site_level(org, login):
    data = unit_form(code="city-x", name="某局", type="city_department", site_level="city", region="321300")
    response = login(org.admin).post(reverse("org:unit_create"), data)
    assert "只有政务服务场所才填写场所层级" in response.content.decode()
    assert not Unit.objects.filter(code="city-x").exists()


def test_a_unit_type_must_fit_its_region(org, login):
    data = unit_form(code="sy-gov2", name="某县政府", type="county_government", region="321300")
    response = login(org.admin).post(reverse("org:unit_create"), data)
    assert "县区政府应属于县区级区划" in response.content.decode()


def test_duplicate_unit_code_is_refused(org, login):
    data = unit_form(code="shuyang-gov", name="另一个单位", type="county_government", region="321322")
    response = login(org.admin).post(reverse("org:unit_create"), data)
    assert "单位编码 shuyang-gov 已被使用" in response.content.decode()


def test_a_parent_may_not_make_a_cycle(org, login):
    client = login(org.admin)
    # 沭阳县政务服务中心 sits under 沭阳县政府; the government cannot move under its own site.
    data = unit_form(
        code="shuyang-gov",
        name="沭阳县人民政府",
        short_name="沭阳县政府",
        type="county_government",
        region="321322",
        parent=str(org.site.pk),
        version=str(org.shuyang_gov.version),
    )
    response = client.post(reverse("org:unit_edit", args=[org.shuyang_gov.pk]), data)
    assert response.status_code == 200
    assert "上级单位不能是本单位或其下级单位" in response.content.decode()
    org.shuyang_gov.refresh_from_db()
    assert org.shuyang_gov.parent_id is None


def test_admin_edits_a_unit_with_a_diff_in_the_audit_log(org, login):
    client = login(org.admin)
    data = unit_form(
        code="xingzhengshenpi",
        name="宿迁市行政审批局",
        short_name="市审批局",
        type="city_department",
        region="321300",
        duties="集中办理行政许可",
        version="1",
    )
    assert client.post(reverse("org:unit_edit", args=[org.approval_bureau.pk]), data).status_code == 302
    org.approval_bureau.refresh_from_db()
    assert org.approval_bureau.short_name == "市审批局" and org.approval_bureau.version == 2
    event = AuditEvent.objects.get(action="org.unit.updated")
    assert event.before == {"duties": "", "short_name": "市行政审批局", "version": 1}
    assert event.after == {"duties": "集中办理行政许可", "short_name": "市审批局", "version": 2}


def test_a_unit_with_staff_cannot_be_deactivated(org, login):
    client = login(org.admin)
    response = client.post(reverse("org:unit_active", args=[org.siyang_gov.pk]), {"active": "0"}, follow=True)
    assert "在用账号" in response.content.decode()
    assert Unit.objects.get(pk=org.siyang_gov.pk).is_active


def test_an_empty_unit_is_deactivated_and_reactivated(org, login):
    client = login(org.admin)
    client.post(reverse("org:unit_active", args=[org.site.pk]), {"active": "0"})
    assert not Unit.objects.get(pk=org.site.pk).is_active
    assert login(org.handler_shuyang).get(reverse("org:unit_detail", args=[org.site.pk])).status_code == 404
    client.post(reverse("org:unit_active", args=[org.site.pk]), {"active": "1"})
    assert Unit.objects.get(pk=org.site.pk).is_active
    actions = list(AuditEvent.objects.filter(object_type="org.unit").values_list("action", flat=True))
    assert sorted(actions) == ["org.unit.activated", "org.unit.deactivated"]


def test_staff_of_any_county_see_every_unit_but_cannot_change_them(org, login):
    client = login(org.handler_shuyang)
    page = client.get(reverse("org:units"))
    names = {u.name for u in page.context["page"]}
    assert {"泗阳县人民政府", "宿迁市行政审批局", "沭阳县人民政府"} <= names
    detail = client.get(reverse("org:unit_detail", args=[org.siyang_gov.pk]))
    assert (
        detail.status_code == 200
        and reverse("org:unit_edit", args=[org.siyang_gov.pk]) not in detail.content.decode()
    )
    assert client.get(reverse("org:unit_create")).status_code == 404
    assert client.get(reverse("org:unit_edit", args=[org.siyang_gov.pk])).status_code == 404
    data = unit_form(code="x", name="x", type="city_department", region="321300")
    assert client.post(reverse("org:unit_create"), data).status_code == 404
    assert client.post(reverse("org:unit_active", args=[org.site.pk]), {"active": "0"}).status_code == 404
    assert Unit.objects.get(pk=org.site.pk).is_active


def test_enterprise_users_have_no_unit_directory(org, login):
    client = login(org.enterprise_user)
    assert client.get(reverse("org:units")).status_code == 404
    assert client.get(reverse("org:unit_detail", args=[org.shuyang_gov.pk])).status_code == 404


def test_unit_detail_lists_its_staff_with_phones_masked_for_roles_that_do_not_need_them(org, login):
    make_user("sy_head", "unit_head", unit=org.shuyang_gov, full_name="沭阳县负责人", phone="13912345678")
    handler_view = login(org.handler_siyang).get(reverse("org:unit_detail", args=[org.shuyang_gov.pk]))
    body = handler_view.content.decode()
    assert "沭阳县负责人" in body and "沭阳承办人" in body
    assert "139****5678" in body and "13912345678" not in body
    admin_view = login(org.admin).get(reverse("org:unit_detail", args=[org.shuyang_gov.pk]))
    assert "13912345678" in admin_view.content.decode()


def test_units_are_searched_filtered_and_paged(org, login):
    for n in range(30):
        Unit.objects.create(
            code=f"sy-dept-{n}",
            name=f"沭阳县测试局{n}",
            short_name=f"测试{n}",
            type=UnitType.COUNTY_DEPARTMENT,
            region=org.shuyang,
        )
    client = login(org.handler_siyang)
    found = client.get(reverse("org:units"), {"q": "测试局"})
    assert found.context["page"].paginator.count == 30 and len(found.context["page"].object_list) == 20
    by_short = client.get(reverse("org:units"), {"q": "测试1"})
    assert by_short.context["page"].paginator.count == 11  # 测试1, 测试10 … 测试19
    by_type = client.get(reverse("org:units"), {"type": "service_site"})
    assert [u.code for u in by_type.context["page"]] == ["site-shuyang"]
    by_site_level = client.get(reverse("org:units"), {"site_level": "county"})
    assert [u.code for u in by_site_level.context["page"]] == ["site-shuyang"]
    in_siyang = client.get(reverse("org:units"), {"region": "321323"})
    assert [u.code for u in in_siyang.context["page"]] == ["siyang-gov"]
    in_shuyang = client.get(reverse("org:units"), {"region": "321322"})
    assert in_shuyang.context["page"].paginator.count == 32


def test_unit_list_queries_do_not_grow_with_rows(org, login, django_assert_max_num_queries):
    client = login(org.admin)
    client.get(reverse("org:units"))  # warm caches of the first request
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("org:units"))
    for n in range(15):
        Unit.objects.create(
            code=f"sy-q-{n}", name=f"沭阳县Q{n}", type=UnitType.COUNTY_DEPARTMENT, region=org.shuyang
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("org:units"))
