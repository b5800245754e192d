"""Tiers and manual escalation (R12.2): the default chain, configuration, who may escalate how
far, the path on the case page, and the refusal to escalate a finished case."""

from __future__ import annotations

import json

from bangban.audit.models import AuditEvent
from bangban.escalation.models import CaseEscalation, EscalationStep, Tier
from bangban.tickets.models import TicketEvent
from bangban.tickets.workflow import Status

from .conftest import make_ticket


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_default_chain_is_the_four_tiers_of_the_rules(esc, login):
    body = login(esc.biz_office).get("/api/v1/escalation/tiers").json()
    assert [(t["level"], t["name"]) for t in body] == [
        (1, "接收单位办理"),
        (2, "专题会办"),
        (3, "市营商办协调"),
        (4, "常务副市长会办"),
    ]


def test_dispatcher_escalates_to_the_next_tier_with_a_reason(esc, login):
    ticket = esc.in_progress()
    response = post(
        login(esc.dispatcher),
        f"/api/v1/escalation/cases/{ticket.pk}/escalate",
        {"reason": "涉及多部门，需会办"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["level"] == 2 and body["tier"] == "专题会办"
    assert body["path"][0]["reason"] == "涉及多部门，需会办" and body["path"][0]["kind"] == "manual"
    row = CaseEscalation.objects.get(ticket=ticket)
    assert row.level == 2 and row.tier_due_at is not None
    assert TicketEvent.objects.filter(ticket=ticket, kind="escalate").count() == 1
    assert AuditEvent.objects.filter(action="ticket.escalate", object_id=str(ticket.pk)).exists()


def test_reason_is_required(esc, login):
    ticket = esc.in_progress()
    response = post(login(esc.dispatcher), f"/api/v1/escalation/cases/{ticket.pk}/escalate", {"reason": " "})
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    assert not EscalationStep.objects.exists()


def test_escalating_a_closed_case_is_refused_and_changes_nothing(esc, login):
    ticket = make_ticket(status=Status.CLOSED, lead_unit=esc.shuyang_gov, enterprise=esc.ent_shuyang)
    audit_before = AuditEvent.objects.count()
    response = post(
        login(esc.biz_office), f"/api/v1/escalation/cases/{ticket.pk}/escalate", {"reason": "再议"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "case_finished"
    assert "已办结" in response.json()["message"]
    assert not EscalationStep.objects.exists() and not CaseEscalation.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_roles_limit_how_far_a_case_goes(esc, login):
    ticket = esc.in_progress()
    # A handler may not escalate at all; the head of the lead unit only to 专题会办.
    assert (
        post(
            login(esc.handler_shuyang), f"/api/v1/escalation/cases/{ticket.pk}/escalate", {"reason": "x"}
        ).status_code
        == 403
    )
    head = login(esc.head_shuyang)
    refused = post(head, f"/api/v1/escalation/cases/{ticket.pk}/escalate", {"reason": "x", "to_level": 3})
    assert refused.status_code == 403 and "第3级" in refused.json()["message"]
    assert (
        post(head, f"/api/v1/escalation/cases/{ticket.pk}/escalate", {"reason": "需专题会办"}).status_code
        == 201
    )
    # The head of another unit sees nothing of it.
    other = post(login(esc.head_siyang), f"/api/v1/escalation/cases/{ticket.pk}/escalate", {"reason": "x"})
    assert other.status_code == 404
    # 营商办 takes it to the 常务副市长.
    done = post(
        login(esc.biz_office),
        f"/api/v1/escalation/cases/{ticket.pk}/escalate",
        {"reason": "重大", "to_level": 4},
    )
    assert done.status_code == 201 and done.json()["level"] == 4
    assert [s["to_level"] for s in done.json()["path"]] == [2, 4]


def test_a_case_enters_each_tier_once(esc, login):
    ticket = esc.in_progress()
    client = login(esc.biz_office)
    assert (
        post(
            client, f"/api/v1/escalation/cases/{ticket.pk}/escalate", {"reason": "a", "to_level": 3}
        ).status_code
        == 201
    )
    again = post(client, f"/api/v1/escalation/cases/{ticket.pk}/escalate", {"reason": "b", "to_level": 3})
    assert again.status_code == 400 and again.json()["code"] == "tier_invalid"
    assert EscalationStep.objects.filter(ticket=ticket).count() == 1


def test_tiers_are_configurable_by_biz_office_only(esc, login):
    tier = Tier.objects.get(level=2)
    url = f"/api/v1/escalation/tiers/{tier.pk}"
    denied = login(esc.dispatcher).put(
        url, data=json.dumps({"name": "x", "workdays": 3}), content_type="application/json"
    )
    assert denied.status_code == 403
    ok = login(esc.biz_office).put(
        url, data=json.dumps({"name": "专题会办", "workdays": 7}), content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["workdays"] == 7
    assert AuditEvent.objects.filter(action="escalation.tiers").exists()
    ticket = esc.in_progress()
    post(login(esc.dispatcher), f"/api/v1/escalation/cases/{ticket.pk}/escalate", {"reason": "会办"})
    step = EscalationStep.objects.get(ticket=ticket)
    from bangban.workdays.service import workdays_between

    assert step.tier_due_at is not None and workdays_between(step.at, step.tier_due_at) == 7


def test_case_page_shows_tier_and_path_and_escalates(esc, login):
    ticket = esc.in_progress()
    client = login(esc.dispatcher)
    page = client.get(f"/cases/{ticket.pk}/").content.decode()
    assert 'data-testid="escalation-panel"' in page and "第1级" in page
    response = client.post(
        f"/escalation/cases/{ticket.pk}/escalate/", {"reason": "请专题会办", "to_level": "2"}
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{ticket.pk}/").content.decode()
    assert "第2级 专题会办" in page and "请专题会办" in page
    listing = client.get("/escalation/?level=2").content.decode()
    assert ticket.number in listing


def test_page_error_is_shown_in_chinese(esc, login):
    ticket = make_ticket(status=Status.CLOSED, lead_unit=esc.shuyang_gov, enterprise=esc.ent_shuyang)
    client = login(esc.biz_office)
    response = client.post(f"/escalation/cases/{ticket.pk}/escalate/", {"reason": "再议"}, follow=True)
    assert "不能升级会办" in response.content.decode()
    assert not EscalationStep.objects.exists()


def test_escalation_list_is_empty_for_a_new_city(esc, login):
    page = login(esc.biz_office).get("/escalation/").content.decode()
    assert "暂无升级会办的诉求" in page


def test_case_page_offers_a_meeting_once_escalated(esc, login):
    ticket = esc.in_progress()
    client = login(esc.biz_office)
    assert 'data-testid="organise-meeting"' not in client.get(f"/cases/{ticket.pk}/").content.decode()
    post(client, f"/api/v1/escalation/cases/{ticket.pk}/escalate", {"reason": "会办"})
    page = client.get(f"/cases/{ticket.pk}/").content.decode()
    assert 'data-testid="organise-meeting"' in page and "type=topic" in page
    form = client.get(f"/escalation/meetings/new/?cases={ticket.number}&type=topic").content.decode()
    assert ticket.number in form


def test_county_dispatcher_does_not_see_other_counties_meetings(esc, login):
    from bangban.escalation.actions import do_create_meeting

    from .conftest import at

    do_create_meeting(acting_user=esc.biz_office, type="topic", title="泗阳专题会办", held_at=at("2026-10-14 09:00"),
                      chair_id=esc.biz_office.pk, unit_ids=[esc.siyang_gov.pk])  # fmt: skip
    assert login(esc.dispatcher).get("/api/v1/escalation/meetings").json()["count"] == 1
    assert login(esc.county_dispatcher).get("/api/v1/escalation/meetings").json()["count"] == 0


def test_the_escalations_figure_alone_is_the_full_figures_field_and_a_recount(esc, login):
    """The dashboard reads `unit_month_escalations` (one statement) where the monthly figures
    read `escalations` among ten: both are the same figure, recounted here from the steps."""
    import datetime as dt
    from collections import Counter

    from django.utils import timezone

    from bangban.escalation.figures import month_bounds, unit_month_escalations, unit_month_figures

    first = esc.in_progress()
    second = esc.in_progress()
    type(second).objects.filter(pk=second.pk).update(lead_unit=esc.siyang_gov)
    client = login(esc.dispatcher)
    for ticket in (first, first, second):
        assert (
            post(client, f"/api/v1/escalation/cases/{ticket.pk}/escalate", {"reason": "需会办"}).status_code
            == 201
        )
    today = timezone.localtime()
    start, end = month_bounds(today.year, today.month)
    recount = Counter(
        step.ticket.lead_unit_id for step in EscalationStep.objects.filter(at__gte=start, at__lt=end)
    )
    assert recount == {esc.shuyang_gov.pk: 2, esc.siyang_gov.pk: 1}
    alone = unit_month_escalations(today.year, today.month)
    full = unit_month_figures(today.year, today.month)
    assert alone == dict(recount)
    assert {unit: f["escalations"] for unit, f in full.items() if f["escalations"]} == alone
    previous = today.replace(day=1) - dt.timedelta(days=1)
    assert unit_month_escalations(previous.year, previous.month) == {}
