"""分析研判 (R10) and the monthly 处置分析会 (R11.2): a unit records the 研判 of its own cases; the
meeting of a month is scheduled from the ledgers due on the 25th, refused while they are missing,
its decisions become tasks, and a month that ended without a held meeting is flagged."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from bangban.audit.models import AuditEvent
from bangban.escalation import actions as esc
from bangban.escalation.models import Meeting, MeetingTask
from bangban.supervision import actions, analysis
from bangban.supervision.models import AnalysisMeeting, CaseAnalysis, Ledger
from bangban.workdays.arithmetic import SHANGHAI

from .conftest import make_case

pytestmark = pytest.mark.django_db


def post(client: Any, url: str, body: Any = None) -> Any:
    return client.post(
        f"/api/v1/supervision{url}", data=json.dumps(body or {}, default=str), content_type="application/json"
    )


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def _analysis_body(**over: Any) -> dict[str, Any]:
    body = {
        "title": "10月涉企审批诉求研判",
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "findings": "施工许可材料反复补正集中",
        "causes": "一次性告知不到位",
        "measures": "编制材料清单并在窗口公示",
    }
    body.update(over)
    return body


def test_a_unit_records_the_analysis_of_its_own_cases_and_sees_only_its_own(world: Any, login: Any) -> None:
    own = make_case(world.approval_bureau, "2026-10-09 09:00")
    other = make_case(world.shuyang_gov, "2026-10-10 09:00")
    bureau = login(world.city_handler)
    refused = post(bureau, "/analyses", _analysis_body(case_numbers=[other.number]))
    assert refused.status_code == 400 and refused.json()["code"] == "analysis_case_not_own"
    assert "不是本单位主办的诉求" in refused.json()["message"]
    missing = post(bureau, "/analyses", _analysis_body(causes=""))
    assert missing.status_code == 400 and missing.json()["code"] == "analysis_causes_required"

    created = post(bureau, "/analyses", _analysis_body(case_numbers=[own.number]))
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "draft" and data["cases"] == [own.number] and data["case_count"] == 1
    submitted = post(
        bureau, f"/analyses/{data['id']}", _analysis_body(case_numbers=[own.number], submit=True, version=1)
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    again = post(bureau, f"/analyses/{data['id']}", _analysis_body(version=2))
    assert again.status_code == 409 and again.json()["code"] == "analysis_submitted"
    assert sorted(
        AuditEvent.objects.filter(action__startswith="supervision.analysis_").values_list("action", flat=True)
    ) == [
        "supervision.analysis_create",
        "supervision.analysis_submit",
    ]

    # Another unit neither lists nor opens it; 营商办 sees every unit's.
    county = login(world.handler_shuyang)
    assert county.get("/api/v1/supervision/analyses").json()["items"] == []
    assert county.get(f"/api/v1/supervision/analyses/{data['id']}").status_code == 404
    assert county.get(f"/supervision/analyses/{data['id']}/").status_code == 404
    boss = login(world.biz_office)
    assert [a["unit_name"] for a in boss.get("/api/v1/supervision/analyses").json()["items"]] == [
        "宿迁市行政审批局"
    ]
    assert post(boss, "/analyses", _analysis_body()).status_code == 403
    page = boss.get("/supervision/analyses/").content.decode()
    assert "10月涉企审批诉求研判" in page and "宿迁市行政审批局" in page
    assert boss.get("/supervision/analyses/?export=xlsx")["Content-Type"].startswith(
        "application/vnd.openxml"
    )


def test_the_analysis_page_form_saves_and_refuses_in_chinese(world: Any, login: Any) -> None:
    bureau = login(world.city_handler)
    assert bureau.get("/supervision/analyses/new/").status_code == 200
    bad = bureau.post("/supervision/analyses/new/", {**_analysis_body(period_end="2026-09-01")})
    assert bad.status_code == 200 and "研判期间止不能早于期间起" in bad.content.decode()
    assert not CaseAnalysis.objects.exists()
    ok = bureau.post("/supervision/analyses/new/", {**_analysis_body(), "submit": "1"})
    assert ok.status_code == 302
    obj = CaseAnalysis.objects.get()
    assert obj.status == "submitted" and obj.unit_id == world.approval_bureau.pk


def _october_ledgers(world: Any) -> list[Ledger]:
    s = actions.current_settings()
    s.ledger_all_units = False
    s.save()
    make_case(world.approval_bureau, "2026-10-09 09:00")
    make_case(world.shuyang_gov, "2026-10-12 09:00")
    return actions.do_generate_ledgers(None, 2026, 10, now=at(2026, 11, 1, 9))


def _schedule(client: Any, held: str = "2026-11-27T15:00:00+08:00") -> Any:
    return post(
        client, "/analysis-meetings", {"year": 2026, "month": 11, "held_at": held, "place": "市政务中心"}
    )


def test_the_monthly_meeting_is_refused_while_the_ledgers_of_the_25th_are_missing(
    world: Any, login: Any
) -> None:
    boss = login(world.biz_office)
    none_yet = _schedule(boss)
    assert none_yet.status_code == 409 and none_yet.json()["code"] == "analysis_ledgers_missing"
    assert "台账尚未生成" in none_yet.json()["message"]
    ledgers = _october_ledgers(world)
    actions.do_submit_ledger(world.city_handler, ledgers[0].pk if ledgers[0].unit_id == world.approval_bureau.pk else ledgers[1].pk, {}, now=at(2026, 11, 20, 9))  # fmt: skip
    pending = _schedule(boss)
    assert pending.status_code == 409 and pending.json()["code"] == "analysis_ledgers_missing"
    assert "尚有 1 份未报送" in pending.json()["message"] and "沭阳县政府" in pending.json()["message"]
    # The page says the same, in Chinese, and schedules nothing.
    html = boss.post("/supervision/analysis-meetings/", {"held_at": "2026-11-27T15:00"}).content.decode()
    assert "缺少台账不能安排2026年11月处置分析会" in html
    assert not Meeting.objects.exists() and not AnalysisMeeting.objects.exists()
    assert not AuditEvent.objects.filter(action="supervision.analysis_meeting_schedule").exists()

    sy = Ledger.objects.get(unit=world.shuyang_gov)
    actions.do_submit_ledger(world.handler_shuyang, sy.pk, {}, now=at(2026, 11, 21, 9))
    early = _schedule(boss, "2026-11-24T15:00:00+08:00")
    assert early.status_code == 400 and early.json()["code"] == "analysis_before_ledger_due"
    wrong_month = _schedule(boss, "2026-12-02T15:00:00+08:00")
    assert wrong_month.status_code == 400 and wrong_month.json()["code"] == "analysis_month_mismatch"
    assert post(login(world.city_handler), "/analysis-meetings", {"year": 2026, "month": 11, "held_at": "2026-11-27T15:00:00+08:00"}).status_code in (403, 404)  # fmt: skip

    ok = _schedule(boss)
    assert ok.status_code == 201, ok.content
    row = AnalysisMeeting.objects.get()
    assert (row.ledger_year, row.ledger_month) == (2026, 10)
    assert set(row.ledgers.values_list("unit_id", flat=True)) == {
        world.approval_bureau.pk,
        world.shuyang_gov.pk,
    }
    assert set(row.meeting.units.values_list("pk", flat=True)) == {
        world.approval_bureau.pk,
        world.shuyang_gov.pk,
    }
    assert row.meeting.type == "analysis"
    events = AuditEvent.objects.filter(action="supervision.analysis_meeting_schedule")
    assert events.count() == 1 and (events.get().after or {})["month"] == "2026-11"
    assert not AuditEvent.objects.filter(action="escalation.meeting_created").exists()
    twice = _schedule(boss)
    assert twice.status_code == 409 and twice.json()["code"] == "analysis_meeting_exists"


def test_decisions_become_tracked_tasks_and_a_month_without_a_held_meeting_is_flagged(
    world: Any, login: Any
) -> None:
    ledgers = _october_ledgers(world)
    for ledger in ledgers:
        user = world.city_handler if ledger.unit_id == world.approval_bureau.pk else world.handler_shuyang
        actions.do_submit_ledger(user, ledger.pk, {}, now=at(2026, 11, 24, 9))
    boss = login(world.biz_office)
    # While November runs, it is not flagged, meeting or not.
    rows = analysis.month_rows(world.biz_office, at(2026, 11, 30, 23, 50))
    assert [(r.month, r.state, r.flagged) for r in rows] == [(11, "in_progress", False)]
    # Once it has ended without a meeting, it is.
    rows = analysis.month_rows(world.biz_office, at(2026, 12, 1, 0, 0))
    assert [(r.month, r.state, r.flagged) for r in rows] == [(12, "in_progress", False), (11, "missed", True)]

    assert _schedule(boss).status_code == 201
    row = AnalysisMeeting.objects.get()
    planned = analysis.month_rows(world.biz_office, at(2026, 12, 1, 0, 0))
    assert (planned[1].state, planned[1].flagged) == ("missed", True)  # scheduled but never held
    esc.do_record_minutes(acting_user=world.biz_office, meeting_id=row.meeting_id, minutes="研究10月台账反映的问题",
                          held=True, now=at(2026, 11, 27, 17))  # fmt: skip
    task = esc.do_add_task(
        acting_user=world.biz_office,
        meeting_id=row.meeting_id,
        content="沭阳县政府牵头解决施工许可补正问题",
        owner_unit_id=world.shuyang_gov.pk,
        workdays=5,
        now=at(2026, 11, 27, 17),
    )
    assert task.due_at == at(2026, 12, 4, 23, 59, 59)
    held = analysis.month_rows(world.biz_office, at(2026, 12, 7, 9))
    assert (held[1].state, held[1].flagged) == ("held", False)
    assert held[1].tasks == {"total": 1, "done": 0, "open": 1, "overdue": 1}
    standing = analysis.meeting_tasks(row, at(2026, 12, 7, 9))
    assert standing[0]["standing"] == "已超期"
    esc.do_complete_task(
        acting_user=world.handler_shuyang, task_id=task.pk, note="已编制材料清单", now=at(2026, 12, 3, 9)
    )
    done = analysis.month_rows(world.biz_office, at(2026, 12, 7, 9))
    assert done[1].tasks == {"total": 1, "done": 1, "open": 0, "overdue": 0}
    assert MeetingTask.objects.get().status == "done"

    # The page and the API show the month; a unit's handler sees neither.
    page = boss.get(f"/supervision/analysis-meetings/{row.year}/{row.month}/").content.decode()
    assert "沭阳县政府牵头解决施工许可补正问题" in page and "已完成" in page
    listing = boss.get("/api/v1/supervision/analysis-meetings").json()
    assert listing[0]["month"] == 11 and listing[0]["meeting_id"] == row.meeting_id
    assert boss.get("/supervision/analysis-meetings/?export=xlsx").status_code == 200
    county = login(world.handler_shuyang)
    assert county.get("/api/v1/supervision/analysis-meetings").status_code == 404
    assert county.get(f"/supervision/analysis-meetings/{row.year}/{row.month}/").status_code == 404
