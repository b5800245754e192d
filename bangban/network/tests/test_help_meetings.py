"""R3.3: 解难帮扶会办会 for key enterprises — scheduled from their open problems (the invited units are
told), held, each item disposed once by 分办 (a case of one unit), 批办 (a leader's instruction) or 会办
(a lead unit and 配合单位), tracked to 办结 with working-day deadlines, and the meeting 办结 when all
items are done (the enterprises' officers are told). Run at several frozen moments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import chinese_calendar
import pytest
import time_machine

from bangban.accounts.roles import Role
from bangban.audit.models import AuditEvent
from bangban.conftest import make_user
from bangban.network.actions import ContactInput, do_assign, do_log_contact
from bangban.network.models import HelpItem
from bangban.notifications.models import OutboxMessage
from bangban.tickets.defaults import ensure_defaults
from bangban.tickets.models import Channel, Ticket
from bangban.workdays.arithmetic import SHANGHAI

API = "/api/v1/network"
MOMENTS = [
    dt.datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI),  # an ordinary Monday
    dt.datetime(2026, 9, 30, 16, 0, tzinfo=SHANGHAI),  # the day before the National Day holiday
    dt.datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI),  # the 25th
    dt.datetime(2026, 12, 31, 23, 30, tzinfo=SHANGHAI),  # the year's last half hour
    dt.datetime(2026, 2, 13, 18, 0, tzinfo=SHANGHAI),  # the Friday before the Spring Festival
]


def is_workday(day: dt.date) -> bool:
    """Independent of bangban.workdays: the official calendar where it exists, else weekdays."""
    if day.year <= 2026:
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


def expected_due(now: dt.datetime, n: int) -> dt.date:
    day, left = now.astimezone(SHANGHAI).date(), n
    while left:
        day += dt.timedelta(days=1)
        left -= is_workday(day)
    return day


class Setup:
    net: Any
    contact: Any
    case: Any
    lead_handler: Any  # 沭阳县工信局 承办人


def setup_at(net: Any, now: dt.datetime) -> Setup:
    """The county officer serves the county key enterprise and heard a problem (no case); the city
    officer serves the 百强 and raised its problem as a case."""
    s = Setup()
    s.net = net
    ensure_defaults()  # the deadline rules a dispatched case needs
    admin = net.world.admin
    do_assign(acting_user=admin, enterprise_id=net.county_key.pk, officer_id=net.county_officer.pk)
    do_assign(acting_user=admin, enterprise_id=net.top100.pk, officer_id=net.city_officer.pk)
    s.contact = do_log_contact(
        acting_user=net.county_officer,
        data=ContactInput(
            enterprise_id=net.county_key.pk, kind="phone", contact_on=now.astimezone(SHANGHAI).date(), summary="电话了解生产情况。",
            raised="新厂房消防验收排期太久，影响投产。",
        ),
        now=now,
    )  # fmt: skip
    with_case = do_log_contact(
        acting_user=net.city_officer,
        data=ContactInput(
            enterprise_id=net.top100.pk, kind="phone", contact_on=now.astimezone(SHANGHAI).date(), summary="电话回访。",
            raised="用电增容申请迟迟未批复。", raise_case=True, case_title="用电增容申请未批复",
        ),
        now=now,
    )  # fmt: skip
    s.case = with_case.ticket
    s.lead_handler = make_user("handler_miit_sy", Role.HANDLER, unit=net.shuyang_miit, full_name="工信承办")
    return s


def schedule_body(s: Setup, now: dt.datetime, **overrides: Any) -> dict[str, Any]:
    body = {
        "held_at": (now + dt.timedelta(days=3)).isoformat(),
        "place": "市政府3号会议室",
        "host": "分管副市长 王明",
        "enterprise_ids": [s.net.county_key.pk, s.net.top100.pk],
        "unit_ids": [s.net.shuyang_miit.pk, s.net.world.shuyang_gov.pk],
    }
    body.update(overrides)
    return body


def post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}{url}", body, content_type="application/json")


@pytest.mark.parametrize("now", MOMENTS, ids=lambda m: m.strftime("%Y%m%d%H%M"))
def test_schedule_hold_dispose_and_close_a_meeting(net: Any, login: Any, now: dt.datetime) -> None:
    with time_machine.travel(now, tick=False):
        s = setup_at(net, now)
        office = login(net.world.biz_office)
        problems = office.get(
            f"{API}/help-problems", {"enterprise": f"{net.county_key.pk},{net.top100.pk}"}
        ).json()
        assert {p["ref"] for p in problems} == {f"contact:{s.contact.pk}", f"case:{s.case.pk}"}

        r = post(office, "/help-meetings", schedule_body(s, now))
        assert r.status_code == 201, r.content
        meeting = r.json()
        assert meeting["status"] == "scheduled" and len(meeting["items"]) == 2
        invited = set(
            OutboxMessage.objects.filter(subject__startswith="会议通知").values_list(
                "recipient_id", flat=True
            )
        )
        assert {net.shuyang_head.pk, s.lead_handler.pk, net.world.handler_shuyang.pk} <= invited
        # Both problems are on a live agenda now: no longer offered for another meeting.
        assert office.get(f"{API}/help-problems", {"enterprise": str(net.county_key.pk)}).json() == []

        mid = meeting["id"]
        by_source = {i["source"]: i for i in meeting["items"]}
        from_contact, from_case = by_source[f"contact:{s.contact.pk}"], by_source[f"case:{s.case.pk}"]
        early = post(office, f"/help-items/{from_contact['id']}/dispose", {"disposal": "assign", "unit_id": net.shuyang_miit.pk, "workdays": 5})  # fmt: skip
        assert early.status_code == 409 and early.json()["code"] == "meeting_not_held"

        r = post(
            office,
            f"/help-meetings/{mid}/hold",
            {"minutes": "会议研究了两家企业的问题。", "version": meeting["version"]},
        )
        assert r.status_code == 200 and r.json()["status"] == "held", r.content

        before = Ticket.objects.count()
        body = {"disposal": "assign", "unit_id": net.shuyang_miit.pk, "workdays": 5}
        r = post(office, f"/help-items/{from_contact['id']}/dispose", body)
        assert r.status_code == 200, r.content
        assigned = r.json()
        assert assigned["status"] == "assigned" and assigned["case_number"]
        case = Ticket.objects.get(pk=assigned["case_id"])
        assert case.channel == Channel.OFFICER and case.lead_unit_id == net.shuyang_miit.pk
        assert case.status == "dispatched" and case.enterprise_id == net.county_key.pk
        assert "解难帮扶会办会" in case.content and f"#{from_contact['id']}" in case.content
        assert case.due_at is not None
        case_due = case.due_at.astimezone(SHANGHAI)
        assert assigned["workdays"] == case.workdays_allowed and case_due.date() == expected_due(
            now, case.workdays_allowed
        )
        again = post(office, f"/help-items/{from_contact['id']}/dispose", body)
        assert again.status_code == 409 and again.json()["code"] == "item_disposed"
        assert Ticket.objects.count() == before + 1

        joint = {
            "disposal": "joint", "unit_id": net.shuyang_miit.pk, "co_unit_ids": [net.world.shuyang_gov.pk],
            "workdays": 10, "version": from_case["version"],
        }  # fmt: skip
        r = post(office, f"/help-items/{from_case['id']}/dispose", joint)
        assert r.status_code == 200, r.content
        tracked = r.json()
        assert tracked["status"] == "open" and tracked["co_unit_ids"] == [net.world.shuyang_gov.pk]
        due_at = dt.datetime.fromisoformat(tracked["due_at"]).astimezone(SHANGHAI)
        assert due_at.date() == expected_due(now, 10) and (due_at.hour, due_at.minute) == (23, 59)
        assert tracked["overdue"] is False

        r = post(office, f"/help-meetings/{mid}/close", {})
        assert r.status_code == 409 and r.json()["code"] == "items_open"

        outsider = login(net.world.city_handler)
        assert post(outsider, f"/help-items/{from_case['id']}/complete", {"result": "x"}).status_code == 404
        r = post(login(s.lead_handler), f"/help-items/{from_case['id']}/complete", {"result": "两部门联合现场办公，已明确增容方案。"})  # fmt: skip
        assert r.status_code == 200 and r.json()["status"] == "done", r.content

        r = post(office, f"/help-meetings/{mid}/close", {})
        assert r.status_code == 200 and r.json()["status"] == "closed", r.content

        # The enterprises' officers see the outcome: told, and the meeting is theirs to read.
        for officer in (net.county_officer, net.city_officer):
            assert OutboxMessage.objects.filter(
                recipient=officer, subject__startswith="会办会已办结"
            ).exists()
            seen = login(officer).get(f"{API}/help-meetings/{mid}")
            assert seen.status_code == 200 and {i["status"] for i in seen.json()["items"]} == {
                "assigned",
                "done",
            }
        actions = list(
            AuditEvent.objects.filter(action__startswith="network.help_").values_list("action", flat=True)
        )
        assert actions.count("network.help_item_disposed") == 2
        assert {"network.help_meeting_scheduled", "network.help_meeting_held", "network.help_item_done",
                "network.help_meeting_closed"} <= set(actions)  # fmt: skip


@pytest.fixture
def at_now() -> Any:
    """The whole test at NOW, sign-ins included: a session opened at the suite's clock (any day)
    and used at NOW could have expired in between."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ready(at_now: Any, net: Any) -> Setup:
    now = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(now, tick=False):
        return setup_at(net, now)


def code_of(response: Any) -> tuple[int, str]:
    return response.status_code, response.json().get("code", "")


NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"enterprise_ids": []}, "enterprises_required"),
        ({"enterprise_ids": ["general"]}, "not_key_enterprise"),
        ({"held_at": (NOW - dt.timedelta(hours=1)).isoformat()}, "held_at_past"),
        ({"unit_ids": []}, "units_required"),
        ({"place": " "}, "place_required"),
        ({"problems": ["case:999999"]}, "problem_invalid"),
    ],
)
def test_scheduling_refuses_bad_input(
    ready: Setup, login: Any, change: dict[str, Any], expected: str
) -> None:
    if change.get("enterprise_ids") == ["general"]:
        change = {"enterprise_ids": [ready.net.general.pk]}
    with time_machine.travel(NOW, tick=False):
        r = post(login(ready.net.world.biz_office), "/help-meetings", schedule_body(ready, NOW, **change))
    assert code_of(r) == (400, expected), r.content
    assert "message" in r.json() and not r.json()["message"].isascii()


def test_a_key_enterprise_without_open_problems_has_no_meeting(at_now: Any, net: Any, login: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        s = Setup()
        s.net = net
        body = schedule_body(s, NOW, enterprise_ids=[net.county_key.pk])
        r = post(login(net.world.biz_office), "/help-meetings", body)
    assert code_of(r) == (400, "problems_required")


def test_a_county_head_schedules_for_his_county_only(ready: Setup, login: Any) -> None:
    net = ready.net
    from bangban.conftest import make_enterprise
    from bangban.enterprises.models import Tier

    siyang_key = make_enterprise("泗阳重点企业", net.world.siyang, "321323", 31, tier=Tier.COUNTY_KEY)
    head = login(net.shuyang_head)
    with time_machine.travel(NOW, tick=False):
        r = post(head, "/help-meetings", schedule_body(ready, NOW, enterprise_ids=[siyang_key.pk]))
        assert code_of(r) == (400, "enterprise_not_found")
        r = post(head, "/help-meetings", schedule_body(ready, NOW, enterprise_ids=[net.county_key.pk]))
        assert r.status_code == 201, r.content
        assert r.json()["area_name"] == "沭阳县"
        assert (
            post(login(net.world.handler_shuyang), "/help-meetings", schedule_body(ready, NOW)).status_code
            == 403
        )
        # The city office sees it; a Siyang handler does not.
        assert login(net.world.biz_office).get(f"{API}/help-meetings/{r.json()['id']}").status_code == 200
        assert login(net.world.handler_siyang).get(f"{API}/help-meetings/{r.json()['id']}").status_code == 404


def held_meeting(ready: Setup, login: Any) -> tuple[Any, dict[str, Any]]:
    office = login(ready.net.world.biz_office)
    with time_machine.travel(NOW, tick=False):
        m = post(office, "/help-meetings", schedule_body(ready, NOW)).json()
        m = post(office, f"/help-meetings/{m['id']}/hold", {"minutes": "纪要"}).json()
    return office, m


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"disposal": "assign"}, (400, "unit_required")),
        ({"disposal": "joint", "unit_id": "miit", "co_unit_ids": [], "workdays": 5}, (400, "co_units_required")),
        ({"disposal": "joint", "unit_id": "miit", "co_unit_ids": ["miit"], "workdays": 5}, (400, "lead_repeated")),
        ({"disposal": "instruct", "unit_id": "miit", "workdays": 5, "instructed_by": "王明"}, (400, "instruction_required")),
        ({"disposal": "instruct", "unit_id": "miit", "workdays": 0, "instructed_by": "王明", "instruction": "抓紧"}, (400, "workdays_invalid")),
        ({"disposal": "other", "unit_id": "miit", "workdays": 5}, (400, "disposal_invalid")),
        ({"disposal": "assign", "unit_id": "miit", "workdays": 5, "version": 99}, (409, "conflict")),
    ],
)  # fmt: skip
def test_disposal_refuses_bad_input(
    ready: Setup, login: Any, body: dict[str, Any], expected: tuple[int, str]
) -> None:
    office, m = held_meeting(ready, login)
    miit = ready.net.shuyang_miit.pk
    body = {k: (miit if v == "miit" else [miit] if v == ["miit"] else v) for k, v in body.items()}
    with time_machine.travel(NOW, tick=False):
        r = post(office, f"/help-items/{m['items'][0]['id']}/dispose", body)
    assert code_of(r) == expected, r.content
    assert HelpItem.objects.get(pk=m["items"][0]["id"]).status == "pending"


def test_stale_meeting_version_and_cancel(ready: Setup, login: Any) -> None:
    office = login(ready.net.world.biz_office)
    with time_machine.travel(NOW, tick=False):
        m = post(office, "/help-meetings", schedule_body(ready, NOW)).json()
        post(office, f"/help-meetings/{m['id']}/hold", {"minutes": "纪要", "version": m["version"]})
        stale = post(office, f"/help-meetings/{m['id']}/close", {"version": m["version"]})
        assert code_of(stale) == (409, "conflict")
        late = post(office, f"/help-meetings/{m['id']}/cancel", {"reason": "领导出差"})
        assert code_of(late) == (409, "meeting_not_scheduled")
        m2_body = schedule_body(ready, NOW)
        # Its problems are on a live agenda: a second meeting cannot take them.
        assert code_of(post(office, "/help-meetings", m2_body)) == (400, "problems_required")


def test_a_cancelled_meeting_frees_its_problems(ready: Setup, login: Any) -> None:
    office = login(ready.net.world.biz_office)
    with time_machine.travel(NOW, tick=False):
        m = post(office, "/help-meetings", schedule_body(ready, NOW)).json()
        assert code_of(post(office, f"/help-meetings/{m['id']}/cancel", {"reason": " "})) == (
            400,
            "reason_required",
        )
        r = post(office, f"/help-meetings/{m['id']}/cancel", {"reason": "主持领导临时出差"})
        assert r.status_code == 200 and r.json()["status"] == "cancelled"
        assert OutboxMessage.objects.filter(
            subject__startswith="会议取消", recipient=ready.net.shuyang_head
        ).exists()
        assert post(office, "/help-meetings", schedule_body(ready, NOW)).status_code == 201


def test_overdue_is_recomputed_from_the_rows(ready: Setup, login: Any) -> None:
    """批办 due in 3 working days: not overdue on its last day, overdue the next moment; the flag of
    the API and the ledger agree with a count made here from the item's own fields."""
    office, m = held_meeting(ready, login)
    item_id = m["items"][0]["id"]
    body = {"disposal": "instruct", "unit_id": ready.net.shuyang_miit.pk, "workdays": 3,
            "instructed_by": "王明副市长", "instruction": "请工信局牵头，一周内拿出方案。"}  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        item = post(office, f"/help-items/{item_id}/dispose", body).json()
    last_day = expected_due(NOW, 3)
    assert dt.datetime.fromisoformat(item["due_at"]).astimezone(SHANGHAI).date() == last_day
    on_time = dt.datetime.combine(last_day, dt.time(23, 0), tzinfo=SHANGHAI)
    with time_machine.travel(on_time, tick=False):
        office = login(ready.net.world.biz_office)  # a new session: the old one timed out
        assert office.get(f"{API}/help-meetings/{m['id']}").json()["items"][0]["overdue"] is False
    after = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0, 1), tzinfo=SHANGHAI)
    with time_machine.travel(after, tick=False):
        office = login(ready.net.world.biz_office)
        items = {i["id"]: i for i in office.get(f"{API}/help-meetings/{m['id']}").json()["items"]}
        assert items[item_id]["overdue"] is True
        assert items[item_id]["instructed_by"] == "王明副市长"


@pytest.mark.django_db(transaction=True)
def test_two_meetings_scheduled_at_once_never_share_a_problem(ready: Setup) -> None:
    import threading

    from django.db import connection

    from bangban.core.errors import ValidationFailed
    from bangban.network.actions import MeetingInput, do_schedule_help_meeting

    if connection.vendor != "postgresql":
        pytest.skip("concurrent scheduling needs PostgreSQL")
    net = ready.net
    data = MeetingInput(
        held_at=NOW + dt.timedelta(days=3), place="市政府3号会议室", host="分管副市长 王明",
        enterprise_ids=[net.county_key.pk, net.top100.pk], unit_ids=[net.shuyang_miit.pk],
    )  # fmt: skip
    start = threading.Barrier(2)
    made: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def schedule() -> None:
        try:
            start.wait()
            made.append(do_schedule_help_meeting(acting_user=net.world.biz_office, data=data, now=NOW).pk)
        except ValidationFailed as exc:
            refused.append(exc.code)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=schedule) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    # One meeting takes both open problems; the other finds none left to discuss.
    assert len(made) == 1 and refused == ["problems_required"]
    assert HelpItem.objects.count() == 2
    assert HelpItem.objects.values("contact_id", "source_case_id").distinct().count() == 2
