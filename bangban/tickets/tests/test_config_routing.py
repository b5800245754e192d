"""Routing rules: administrators list (filtered by category, region, unit), add, edit and delete
them; one rule per category × region; every change audited; dispatchers may look."""

from __future__ import annotations

from bangban.audit.models import AuditEvent
from bangban.tickets.models import RoutingRule

from .intake_helpers import category

PAGE = "/cases/settings/routing/"
API = "/api/v1/cases/settings/routing-rules"


def test_admin_adds_edits_and_deletes_a_rule_on_the_page(cases, login):
    client = login(cases.admin)
    tax = category("税费服务")
    response = client.post(
        PAGE,
        {
            "category": str(tax.pk),
            "region": str(cases.shuyang.pk),
            "unit": str(cases.shuyang_gov.pk),
            "priority": "2",
            "is_active": "1",
            "note": "县级税务",
        },
    )
    assert response.status_code == 302
    rule = RoutingRule.objects.get(category=tax, region=cases.shuyang)
    assert rule.unit == cases.shuyang_gov and rule.priority == 2 and rule.is_active
    edit = client.post(
        f"{PAGE}{rule.pk}/",
        {
            "category": str(tax.pk),
            "region": str(cases.shuyang.pk),
            "unit": str(cases.biz_office_unit.pk),
            "priority": "0",
        },
    )
    assert edit.status_code == 302
    rule.refresh_from_db()
    assert rule.unit == cases.biz_office_unit and rule.is_active is False
    assert client.post(f"{PAGE}{rule.pk}/delete/").status_code == 302
    assert not RoutingRule.objects.filter(pk=rule.pk).exists()
    actions = list(
        AuditEvent.objects.filter(object_id=str(rule.pk), action__startswith="tickets.routing_rule")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "tickets.routing_rule_created",
        "tickets.routing_rule_updated",
        "tickets.routing_rule_deleted",
    ]


def test_one_rule_per_category_and_region(cases, login):
    client = login(cases.admin)
    data = {"category": str(category("税费服务").pk), "unit": str(cases.biz_office_unit.pk), "is_active": "1"}
    assert client.post(PAGE, data).status_code == 302
    again = client.post(PAGE, data)
    assert again.status_code == 400 and "已有相同分类和区划的派单规则" in again.content.decode()
    api = client.post(
        API,
        {"unit": cases.biz_office_unit.code, "category": category("税费服务").code},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["code"] == "routing_rule_duplicate"


def test_a_rule_needs_an_active_unit(cases, login):
    response = login(cases.admin).post(PAGE, {"category": "", "unit": ""})
    assert response.status_code == 400 and "请选择启用中的责任单位" in response.content.decode()


def test_list_filters_by_category_region_and_unit(cases, login):
    RoutingRule.objects.all().delete()
    tax, power = category("税费服务"), category("要素保障/用电用水用气")
    RoutingRule.objects.create(category=tax, region=None, unit=cases.biz_office_unit)
    RoutingRule.objects.create(category=power, region=cases.shuyang, unit=cases.shuyang_gov)
    client = login(cases.dispatcher)
    assert len(client.get(API).json()) == 2
    by_category = client.get(API, {"category": "02"}).json()
    assert [r["category_path"] for r in by_category] == ["要素保障/用电用水用气"]
    assert [r["unit_code"] for r in client.get(API, {"region": "321322"}).json()] == [cases.shuyang_gov.code]
    assert [r["category_code"] for r in client.get(API, {"unit": cases.biz_office_unit.code}).json()] == [
        tax.code
    ]
    page = client.get(PAGE, {"unit": cases.shuyang_gov.code}).content.decode()
    assert page.count('data-testid="routing-row"') == 1 and "沭阳县" in page


def test_api_changes_rules_for_admins_only(cases, login):
    RoutingRule.objects.all().delete()
    admin = login(cases.admin)
    created = admin.post(
        API,
        {"unit": cases.shuyang_gov.code, "region": "321322", "priority": 1},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    rule_id = created.json()["id"]
    assert created.json()["category_code"] is None and created.json()["region_name"] == "沭阳县"
    patched = admin.patch(
        f"{API}/{rule_id}", {"category": "09", "is_active": False}, content_type="application/json"
    )
    assert patched.status_code == 200
    assert patched.json()["category_path"] == "税费服务" and patched.json()["is_active"] is False
    unknown = admin.patch(f"{API}/{rule_id}", {"unit": "no-such-unit"}, content_type="application/json")
    assert unknown.status_code == 400
    dispatcher = login(cases.dispatcher)
    assert dispatcher.delete(f"{API}/{rule_id}").status_code == 403
    assert (
        dispatcher.post(API, {"unit": cases.shuyang_gov.code}, content_type="application/json").status_code
        == 403
    )
    assert admin.delete(f"{API}/{rule_id}").status_code == 204
    assert login(cases.enterprise_user).get(API).status_code == 404


def test_dispatchers_see_the_rules_read_only(cases, login):
    page = login(cases.dispatcher).get(PAGE).content.decode()
    assert 'data-testid="routing-table"' in page and 'data-testid="routing-form"' not in page
    assert login(cases.handler_shuyang).get(PAGE).status_code == 404
