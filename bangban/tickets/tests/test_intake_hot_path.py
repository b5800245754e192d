"""The lean intake path: the configuration each process keeps in memory is never older than what
is committed (a change made any way — the ORM, plain SQL, another process — is seen by the next
intake; a rolled-back change never is), and the reads written as plain SQL answer exactly as the
querysets they replace."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client

from bangban.accounts.actions import do_create_token, do_revoke_token
from bangban.accounts.roles import Role
from bangban.conftest import make_enterprise, make_user
from bangban.enterprises.access import visible_enterprise, visible_enterprises
from bangban.org.models import Unit, UnitType
from bangban.tickets import config_cache, dispatch_clock
from bangban.tickets.intake.repeats import REPEAT_CANDIDATES, _recent_texts, repeat_candidates
from bangban.tickets.models import Category, Channel, RoutingRule, Ticket
from bangban.tickets.workflow import Status

from .conftest import make_ticket

URL = "/api/v1/cases"


def _client(cases) -> Client:
    _token, raw = do_create_token(acting_user=cases.admin, user_id=cases.biz_office.pk, name="对接系统")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _file(client, category="1201", **fields):
    body = {
        "title": "厂区周边道路破损",
        "content": "厂区门口道路破损严重，货车进出困难。",
        "category": category,
        "enterprise_id": fields.pop("enterprise_id"),
        **fields,
    }
    return client.post(URL, body, content_type="application/json")


def test_a_category_switched_off_after_an_intake_is_refused_by_the_next(cases):
    client = _client(cases)
    assert _file(client, enterprise_id=cases.ent_shuyang.pk).status_code == 201
    Category.objects.filter(code="1201").update(is_active=False)  # a queryset update: no signal
    refused = _file(client, enterprise_id=cases.ent_shuyang.pk)
    assert refused.status_code == 400 and refused.json()["code"] == "unknown_category"
    Category.objects.filter(code="1201").update(is_active=True)
    assert _file(client, enterprise_id=cases.ent_shuyang.pk).status_code == 201


def test_a_category_switched_off_by_plain_sql_is_seen_too(cases):
    client = _client(cases)
    assert _file(client, enterprise_id=cases.ent_shuyang.pk).status_code == 201
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tickets_category SET is_active = %s WHERE code = %s", [False, "1201"])
    refused = _file(client, enterprise_id=cases.ent_shuyang.pk)
    assert refused.status_code == 400 and refused.json()["code"] == "unknown_category"


def test_a_new_routing_rule_and_a_unit_switched_off_apply_to_the_next_case(cases):
    client = _client(cases)
    first = _file(client, enterprise_id=cases.ent_shuyang.pk)
    unit = Unit.objects.create(
        code="road-office", name="沭阳县道路养护站", type=UnitType.COUNTY_DEPARTMENT, region=cases.shuyang
    )
    RoutingRule.objects.create(category=Category.objects.get(code="1201"), region=cases.shuyang, unit=unit)
    second = _file(client, enterprise_id=cases.ent_shuyang.pk, title="厂区门口道路塌陷")
    unit.is_active = False
    unit.save()
    third = _file(client, enterprise_id=cases.ent_shuyang.pk, title="门前道路积水")
    suggested = {
        r.json()["id"]: Ticket.objects.get(pk=r.json()["id"]).suggested_unit_id
        for r in (first, second, third)
    }
    assert suggested[second.json()["id"]] == unit.pk
    assert suggested[first.json()["id"]] != unit.pk and suggested[third.json()["id"]] != unit.pk
    assert suggested[first.json()["id"]] == suggested[third.json()["id"]]


def test_a_changed_dispatch_clock_applies_to_the_next_case(cases):
    client = _client(cases)
    first = Ticket.objects.get(pk=_file(client, enterprise_id=cases.ent_shuyang.pk).json()["id"])
    settings = dispatch_clock.current_settings()
    assert first.dispatch_workdays is not None
    settings.dispatch_workdays = first.dispatch_workdays + 2
    settings.save()
    second = Ticket.objects.get(
        pk=_file(client, enterprise_id=cases.ent_shuyang.pk, title="再报").json()["id"]
    )
    assert second.dispatch_workdays == first.dispatch_workdays + 2


def test_a_rolled_back_change_is_never_served_from_memory(cases):
    before = config_cache.current()
    assert before.category(None, "1201") is not None
    with pytest.raises(RuntimeError), transaction.atomic():
        Category.objects.filter(code="1201").update(is_active=False)
        assert config_cache.current().category(None, "1201") is None
        raise RuntimeError("rolled back")
    assert config_cache.current().category(None, "1201") is not None
    # A later, different change is read afresh, not matched to the rolled-back copy.
    Category.objects.filter(code="1201").update(name="道路交通（新）")
    renamed = config_cache.current().category(None, "1201")
    assert renamed is not None and renamed.name == "道路交通（新）"


def test_the_token_read_costs_one_statement_once_the_memory_is_current(cases, django_assert_num_queries):
    config_cache.current()
    with django_assert_num_queries(1):
        config_cache.current()


def test_a_revoked_token_or_a_deactivated_account_is_refused(cases):
    _token, raw = do_create_token(acting_user=cases.admin, user_id=cases.biz_office.pk, name="对接系统")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert _file(client, enterprise_id=cases.ent_shuyang.pk).status_code == 201
    do_revoke_token(acting_user=cases.admin, token_id=_token.pk)
    assert _file(client, enterprise_id=cases.ent_shuyang.pk).status_code == 401
    assert Client(headers={"Authorization": "Bearer bb_unknown"}).get("/api/v1/cases").status_code == 401


def test_a_token_user_without_unit_or_roles_files_nothing(cases):
    nobody = make_user("no_roles")
    _token, raw = do_create_token(acting_user=cases.admin, user_id=nobody.pk, name="无角色")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    response = _file(client, enterprise_id=cases.ent_shuyang.pk)
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["biz_office", "county_dispatcher", "enterprise_user", "nobody"])
def test_the_plain_enterprise_lookup_answers_as_the_scope_queryset(cases, who):
    user = make_user("nobody") if who == "nobody" else getattr(cases, who)
    other = make_enterprise("泗阳另一企业", cases.siyang, "321323", 77)
    for enterprise in [cases.ent_shuyang, cases.ent_siyang, other]:
        expected = visible_enterprises(user).select_related("region").filter(pk=enterprise.pk).first()
        found = visible_enterprise(user, enterprise.pk)
        assert (found is None) == (expected is None), (who, enterprise.name)
        if expected is not None and found is not None:
            assert found.__dict__.keys() >= {"name", "region_id"}
            assert (found.pk, found.name, found.region.path) == (
                expected.pk,
                expected.name,
                expected.region.path,
            )
    assert visible_enterprise(user, 10**9) is None


def test_the_plain_repeat_query_answers_as_the_candidate_queryset(cases):
    t0 = dt.datetime(2026, 9, 29, 2, 0, tzinfo=dt.UTC)
    kinds: list[dict[str, Any]] = [
        {},
        {"status": Status.MERGED},
        {"status": Status.WITHDRAWN},
        {"channel": Channel.CONDUCT},
        {"enterprise": None, "contact_phone": "13800138000"},
        {"enterprise": cases.ent_siyang},
    ]
    for i in range(12):
        make_ticket(
            **{
                "enterprise": cases.ent_shuyang,
                "region": cases.shucheng,
                "received_at": t0 - dt.timedelta(days=i * 20),
                "title": f"第{i}件",
                **kinds[i % len(kinds)],
            }
        )
    since = t0 - dt.timedelta(days=100)
    for channel in (Channel.API, Channel.CONDUCT):
        for key, values in (
            ("enterprise_id", {cases.ent_shuyang.pk, cases.ent_siyang.pk}),
            ("contact_phone", {"13800138000"}),
        ):
            qs = repeat_candidates(channel, since)
            qs = (
                qs.filter(enterprise_id__in=values)
                if key == "enterprise_id"
                else qs.filter(enterprise__isnull=True, contact_phone__in=values)
            )
            expected: dict = {}
            for row in qs.order_by("-received_at", "-id").values_list("id", key, "title", "content"):
                if len(expected.setdefault(row[1], [])) < REPEAT_CANDIDATES:
                    expected[row[1]].append((row[0], f"{row[2]}\n{row[3]}"))
            assert _recent_texts(key, values, channel, since) == expected
            assert any(expected.values()) or channel == Channel.CONDUCT


def test_a_dispatcher_elsewhere_may_not_file_with_an_enterprise_out_of_scope(cases):
    user = make_user("sy_dispatch_api", Role.DISPATCHER, unit=cases.shuyang_gov)
    _token, raw = do_create_token(acting_user=cases.admin, user_id=user.pk, name="县对接")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    refused = _file(client, enterprise_id=cases.ent_siyang.pk)
    assert refused.status_code in (400, 403)
    if refused.status_code == 400:
        assert refused.json()["code"] == "enterprise_out_of_scope"
