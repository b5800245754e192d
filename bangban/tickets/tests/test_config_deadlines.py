"""Deadline policies (channel × urgency → working days) and the defaults the product ships:
办不成事 same day / 5, mayor 2/5/15, hotline 5, others 2/5/15; warning 1 day; one extension."""

from __future__ import annotations

from bangban.audit.models import AuditEvent
from bangban.tickets.defaults import ensure_defaults
from bangban.tickets.models import Category, Channel, DeadlinePolicy, RoutingRule, Urgency

PAGE = "/cases/settings/deadlines/"
API = "/api/v1/cases/settings/deadline-policies"


def days(channel: str) -> tuple[int, int, int]:
    policies = {p.urgency: p.workdays for p in DeadlinePolicy.objects.filter(channel=channel)}
    return policies[Urgency.URGENT], policies[Urgency.GENERAL], policies[Urgency.COMPLEX]


def test_default_policies_follow_the_rules(cases):
    assert days(Channel.WINDOW) == (0, 0, 5)
    assert days(Channel.MAYOR) == (2, 5, 15)
    assert days(Channel.HOTLINE) == (5, 5, 5)
    for channel in (Channel.PORTAL, Channel.OFFICER, Channel.API):
        assert days(channel) == (2, 5, 15)
    assert DeadlinePolicy.objects.count() == len(Channel) * len(Urgency)
    assert set(DeadlinePolicy.objects.values_list("warn_workdays", "max_extensions")) == {(1, 1)}


def test_defaults_are_idempotent_and_keep_an_administrators_edits(cases):
    policy = DeadlinePolicy.objects.get(channel=Channel.MAYOR, urgency=Urgency.GENERAL)
    policy.workdays = 7
    policy.save()
    Category.objects.filter(code="01").update(name="政务服务（本市）")
    counts = (DeadlinePolicy.objects.count(), Category.objects.count(), RoutingRule.objects.count())
    result = ensure_defaults()
    assert not result.created_anything and "新建办理时限规则 0 条" in result.summary()
    assert (DeadlinePolicy.objects.count(), Category.objects.count(), RoutingRule.objects.count()) == counts
    assert DeadlinePolicy.objects.get(pk=policy.pk).workdays == 7
    assert Category.objects.get(code="01").name == "政务服务（本市）"


def test_defaults_fill_in_only_what_is_missing(cases):
    DeadlinePolicy.objects.filter(channel=Channel.PORTAL).delete()
    Category.objects.filter(code="160101").delete()
    result = ensure_defaults()
    assert result.policies == 3 and result.categories == 1
    assert AuditEvent.objects.filter(action="tickets.defaults_loaded").exists()


def test_demo_routing_rules_skip_units_the_city_does_not_have(cases):
    # The test city has only a few of the demo units: the county governments' fallbacks load,
    # rules naming missing units are reported as skipped.
    result = ensure_defaults()
    assert RoutingRule.objects.filter(unit=cases.shuyang_gov, category__isnull=True).exists()
    assert any("city-tax" in line for line in result.skipped_rules)


def test_admin_edits_the_grid(cases, login):
    client = login(cases.admin)
    page = client.get(PAGE).content.decode()
    assert 'name="window.general.workdays"' in page and "即办" in page
    response = client.post(
        PAGE,
        {
            "mayor.urgent.workdays": "3",
            "mayor.urgent.warn": "1",
            "mayor.urgent.ext": "2",
            "window.general.workdays": "0",
            "window.general.warn": "1",
            "window.general.ext": "1",
        },
    )
    assert response.status_code == 302
    mayor = DeadlinePolicy.objects.get(channel="mayor", urgency="urgent")
    assert (mayor.workdays, mayor.max_extensions) == (3, 2)
    # Only the changed cell is written and audited.
    assert list(
        AuditEvent.objects.filter(action="tickets.deadline_policy_updated").values_list(
            "object_id", flat=True
        )
    ) == [str(mayor.pk)]


def test_grid_explains_values_out_of_range(cases, login):
    response = login(cases.admin).post(
        PAGE, {"hotline.urgent.workdays": "99", "hotline.urgent.warn": "1", "hotline.urgent.ext": "1"}
    )
    assert response.status_code == 400
    assert "办理时限（工作日）应在 0 到 60 之间" in response.content.decode()
    assert DeadlinePolicy.objects.get(channel="hotline", urgency="urgent").workdays == 5


def test_api_sets_and_removes_policies(cases, login):
    admin = login(cases.admin)
    DeadlinePolicy.objects.filter(channel="conduct", urgency="urgent").delete()
    created = admin.post(
        API, {"channel": "conduct", "urgency": "urgent", "workdays": 1}, content_type="application/json"
    )
    assert created.status_code == 200 and created.json()["workdays"] == 1
    policy_id = created.json()["id"]
    patched = admin.patch(f"{API}/{policy_id}", {"warn_workdays": 0}, content_type="application/json")
    assert patched.json()["warn_workdays"] == 0 and patched.json()["workdays"] == 1
    bad = admin.post(
        API, {"channel": "fax", "urgency": "urgent", "workdays": 1}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_channel"
    assert login(cases.dispatcher).delete(f"{API}/{policy_id}").status_code == 403
    assert admin.delete(f"{API}/{policy_id}").status_code == 204
    assert not DeadlinePolicy.objects.filter(pk=policy_id).exists()
    assert len(login(cases.dispatcher).get(API).json()) == len(Channel) * len(Urgency) - 1


def test_dispatch_without_a_policy_is_refused_with_a_clear_message(cases):
    from bangban.core.errors import ApplicationError
    from bangban.tickets.actions import do_dispatch

    DeadlinePolicy.objects.filter(channel="portal", urgency="general").delete()
    ticket = cases.new()
    try:
        do_dispatch(acting_user=cases.dispatcher, ticket_id=ticket.pk, lead_unit_id=cases.shuyang_gov.pk)
    except ApplicationError as exc:
        assert exc.code == "deadline_rule_missing"
        assert "企业网上诉求·一般" in exc.message
    else:  # pragma: no cover
        raise AssertionError("dispatch without a policy must fail")
