"""The workbench (issue 17, item 4): the staff home page shows the counts that matter to each role
— 待派单, 待签收, 待审核, 临期, 超期, 待回访, 督办 — each linking to the list it counts. The test
recomputes every count from the raw case rows, independently of the product's queries, and
follows the links. 「待办诉求」 lists only open cases."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from bangban.escalation.actions import do_issue_order
from bangban.escalation.models import SupervisionOrder
from bangban.tickets.models import Ticket

from .conftest import make_ticket

RUNNING = ("dispatched", "in_progress", "reply_review")


def counts_on(html: str) -> dict[str, tuple[int, str]]:
    found = re.findall(
        r'<a [^>]*href="([^"]+)" data-testid="work-count" data-key="([a-z_]+)" data-count="(\d+)"', html
    )
    return {key: (int(count), url.replace("&amp;", "&")) for url, key, count in found}


def rows_on(client, url: str) -> list[str]:
    html = client.get(url).content.decode()
    return re.findall(r'data-testid="case-row" data-number="([^"]+)"', html)


def _seed(cases):
    now = timezone.now()
    unit, other = cases.shuyang_gov, cases.siyang_gov

    def case(status, lead=unit, due=None, warn=None, **more):
        return make_ticket(
            enterprise=cases.ent_shuyang,
            region=cases.shucheng if lead == unit else cases.siyang,
            lead_unit=lead,
            status=status,
            dispatched_at=now - dt.timedelta(days=2),
            due_at=now + due if due is not None else None,
            warn_at=now + warn if warn is not None else None,
            **more,
        )

    week, day = dt.timedelta(days=7), dt.timedelta(days=1)
    made = [
        case("dispatched", due=week, warn=week - day),
        case("dispatched", due=day, warn=-day),  # 临期
        case("in_progress", due=-day, warn=-day * 2),  # 超期
        case("in_progress", due=-day * 3, warn=-day * 4),  # 超期
        case("reply_review", due=day * 2, warn=-day),  # 临期
        case("suspended", due=-day, warn=-day * 2),  # the clock stops: neither
        case("replied"),
        case("replied"),
        case("closed"),
        case("dispatched", lead=other, due=-day, warn=-day * 2),  # another county's
        case("pending_dispatch", lead=None),
    ]
    do_issue_order(
        acting_user=cases.biz_office, kind="supervise", content="请加快办理", ticket_id=made[2].pk, workdays=3
    )
    return now, made


def expected_for_unit(unit, now) -> dict[str, int]:
    mine = [t for t in Ticket.objects.all() if t.lead_unit_id == unit.pk]
    return {
        "accept": sum(t.status == "dispatched" for t in mine),
        "review": sum(t.status == "reply_review" for t in mine),
        "warning": sum(t.status in RUNNING and t.warn_at <= now < t.due_at for t in mine if t.due_at),
        "overdue": sum(t.status in RUNNING and t.due_at <= now for t in mine if t.due_at),
        "supervision": sum(
            o.status == "open" for o in SupervisionOrder.objects.all() if o.unit_id == unit.pk
        ),
    }


def test_the_unit_heads_workbench_counts_its_units_work(cases, login):
    now, _made = _seed(cases)
    client = login(cases.head_shuyang)
    shown = counts_on(client.get("/").content.decode())
    expected = expected_for_unit(cases.shuyang_gov, now)
    assert expected == {"accept": 2, "review": 1, "warning": 2, "overdue": 2, "supervision": 1}
    assert {key: shown[key][0] for key in expected} == expected
    assert "dispatch" not in shown and "follow_up" not in shown
    # Each link opens the list it counts.
    for key in ("accept", "review", "warning", "overdue"):
        assert shown[key][1].startswith("/cases/unit/")
        assert len(rows_on(client, shown[key][1])) == expected[key], key
    assert shown["supervision"][1] == "/escalation/supervision/?status=open"


def test_a_handler_has_no_review_count(cases, login):
    now, _made = _seed(cases)
    shown = counts_on(login(cases.handler_shuyang).get("/").content.decode())
    expected = expected_for_unit(cases.shuyang_gov, now)
    assert "review" not in shown
    assert shown["accept"][0] == expected["accept"] and shown["overdue"][0] == expected["overdue"]


def test_the_dispatchers_workbench(cases, login):
    now, _made = _seed(cases)
    shown = counts_on(login(cases.dispatcher).get("/").content.decode())
    rows = list(Ticket.objects.all())
    assert shown["dispatch"][0] == sum(t.status == "pending_dispatch" for t in rows) == 1
    assert shown["follow_up"][0] == sum(t.status == "replied" for t in rows) == 2
    assert shown["overdue"][0] == sum(t.status in RUNNING and t.due_at <= now for t in rows if t.due_at) == 3
    assert shown["follow_up"][1] == "/ratings/follow-ups/"


def test_the_unit_to_do_list_holds_only_open_cases(cases, login):
    _now, made = _seed(cases)
    html = login(cases.head_shuyang).get("/cases/unit/").content.decode()
    for ticket in made:
        listed = ticket.number in html
        expected = ticket.lead_unit_id == cases.shuyang_gov.pk and ticket.status not in ("replied", "closed")
        assert listed == expected, (ticket.number, ticket.status)


def test_an_enterprise_user_has_no_workbench(cases, login):
    assert 'data-testid="workbench"' not in login(cases.enterprise_user).get("/").content.decode()
