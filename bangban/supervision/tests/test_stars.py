"""作风之星 selection rounds (R15.1): 作风办 opens a round for a period, a unit head nominates people
of the unit with reasons, each nominee is shown with the period's figures (the unit's frozen
ranking, the person's own cases, open accountability), 作风办 closes, decides with reasons and
publishes; the published list is every member of staff's, and each person selected becomes a
作风之星 record. A nominee with open accountability is refused at every step."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.utils import timezone

from bangban.accounts.roles import Role
from bangban.audit.models import AuditEvent
from bangban.conftest import make_user
from bangban.supervision import actions
from bangban.supervision.models import AccountabilityKind, AccountabilityRecord, StarNomination, StarRound

from .conftest import make_case

pytestmark = pytest.mark.django_db
API = "/api/v1/supervision"


@pytest.fixture
def cast(world: Any) -> Any:
    world.conduct = make_user(
        "zuofeng", Role.CONDUCT_OFFICE, unit=world.biz_office_unit, full_name="作风办刘科长"
    )
    world.bureau_head = make_user(
        "head_sp", Role.UNIT_HEAD, unit=world.approval_bureau, full_name="审批局负责人"
    )
    world.bureau_second = make_user(
        "handler_sp2", Role.HANDLER, unit=world.approval_bureau, full_name="审批局窗口员"
    )
    # October 2026: 审批局 4 cases, 3 handled by its handler (2 closed on time, 1 late); 沭阳 2 cases.
    bureau = world.approval_bureau
    for day in (5, 6):
        make_case(
            bureau, f"2026-10-{day:02d} 09:00", handler=world.city_handler, dispatched_at=f"2026-10-{day:02d} 10:00",
            accepted_at=f"2026-10-{day:02d} 11:00", due_at="2026-10-20 23:59:59", closed_at="2026-10-15 10:00",
            status="closed", follow_up=(True, 1),
        )  # fmt: skip
    make_case(
        bureau, "2026-10-07 09:00", handler=world.city_handler, dispatched_at="2026-10-07 10:00",
        accepted_at="2026-10-07 11:00", due_at="2026-10-10 23:59:59", closed_at="2026-10-12 10:00",
        overdue_at="2026-10-11 00:00", status="closed", follow_up=(True, 2),
    )  # fmt: skip
    for day in (8, 9):
        make_case(world.shuyang_gov, f"2026-10-{day:02d} 09:00", dispatched_at=f"2026-10-{day:02d} 10:00")
    actions.do_compute_ranking(world.biz_office, 2026, 10, min_cases=1)
    actions.do_freeze_ranking(world.biz_office, 2026, 10, now=timezone.now())
    return world


def _now() -> Any:
    return timezone.now()


def api(client: Any, path: str, body: Any = None) -> Any:
    if body is None:
        return client.get(API + path)
    return client.post(API + path, body, content_type="application/json")


def test_a_round_from_opening_to_the_published_list(cast: Any, login: Any) -> None:
    w = cast
    conduct, head = login(w.conduct), login(w.bureau_head)
    r = api(conduct, "/stars", {"year": 2026, "period": "quarter", "number": 4})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["title"] == "2026年第四季度“作风之星”评选"
    assert body["months"] == ["2026-10", "2026-11", "2026-12"]
    rid = body["id"]
    # Only 作风办 opens rounds; the same period twice is refused.
    assert (
        api(login(w.biz_office), "/stars", {"year": 2026, "period": "half", "number": 2}).status_code == 403
    )
    assert api(conduct, "/stars", {"year": 2026, "period": "quarter", "number": 4}).json()["code"] == (
        "star_round_exists"
    )
    assert api(conduct, "/stars", {"year": 2026, "period": "half", "number": 3}).json()["code"] == (
        "star_round_invalid"
    )

    # The unit head nominates two people of the unit; another unit's person or no reason is refused.
    r = api(
        head, f"/stars/{rid}/nominations", {"person_id": w.city_handler.pk, "reason": "窗口服务热情，办结快"}
    )
    assert r.status_code == 201, r.content
    nominee = r.json()
    unit_oct = nominee["figures"]["unit_months"][0]
    assert unit_oct["month"] == "2026-10" and unit_oct["frozen"] is True and unit_oct["rank"] == 1
    assert unit_oct["on_time_rate"] == pytest.approx(66.67)
    assert nominee["figures"]["unit_months"][1]["frozen"] is False
    assert nominee["figures"]["person"] == {
        "total": 3, "closed": 3, "closed_on_time": 2, "overdue_count": 1, "on_time_rate": 66.67,
    }  # fmt: skip
    assert nominee["figures"]["open_records"] == []
    second = api(
        head, f"/stars/{rid}/nominations", {"person_id": w.bureau_second.pk, "reason": "帮办代办主动"}
    )
    assert second.status_code == 201
    refused = api(head, f"/stars/{rid}/nominations", {"person_id": w.handler_siyang.pk, "reason": "好"})
    assert refused.status_code == 400 and refused.json()["code"] == "star_nomination_invalid"
    assert (
        api(head, f"/stars/{rid}/nominations", {"person_id": w.bureau_second.pk, "reason": "再推"}).json()[
            "code"
        ]
        == "star_nominee_duplicate"
    )
    assert (
        api(head, f"/stars/{rid}/nominations", {"person_id": w.bureau_head.pk, "reason": " "}).json()["code"]
        == "star_nomination_invalid"
    )
    # A handler does not nominate; an enterprise does not see the round at all.
    assert (
        api(
            login(w.city_handler),
            f"/stars/{rid}/nominations",
            {"person_id": w.city_handler.pk, "reason": "x"},
        ).status_code
        == 403
    )
    assert api(login(w.enterprise_user), f"/stars/{rid}").status_code == 404

    # Deciding waits for the close; publishing waits for every decision.
    nid, sid = nominee["id"], second.json()["id"]
    early = api(conduct, f"/stars/nominations/{nid}/decide", {"decision": "selected", "reason": "好"})
    assert early.status_code == 409 and early.json()["code"] == "star_round_not_reviewing"
    assert api(conduct, f"/stars/{rid}/close", {"version": 1}).json()["status"] == "reviewing"
    late = api(head, f"/stars/{rid}/nominations", {"person_id": w.bureau_head.pk, "reason": "迟到的推荐"})
    assert late.status_code == 409 and late.json()["code"] == "star_round_not_nominating"
    assert api(conduct, f"/stars/{rid}/publish", {}).json()["code"] == "star_round_undecided"
    no_reason = api(conduct, f"/stars/nominations/{nid}/decide", {"decision": "selected", "reason": ""})
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "star_decision_invalid"
    assert (
        api(head, f"/stars/nominations/{nid}/decide", {"decision": "selected", "reason": "好"}).status_code
        == 403
    )
    ok = api(
        conduct,
        f"/stars/nominations/{nid}/decide",
        {"decision": "selected", "reason": "按期办结率高，企业满意"},
    )
    assert ok.status_code == 200 and ok.json()["decision"] == "selected"
    assert ok.json()["figures"]["person"]["total"] == 3  # the figures stored with the decision
    api(conduct, f"/stars/nominations/{sid}/decide", {"decision": "not_selected", "reason": "本季度办件较少"})

    r = api(conduct, f"/stars/{rid}/publish", {})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "published"
    assert r.json()["selected"] == [{"unit_name": "宿迁市行政审批局", "person_name": "审批局承办人"}]
    star = AccountabilityRecord.objects.get(kind=AccountabilityKind.STAR_AWARD)
    assert (star.unit_id, star.person_name, star.status, star.year, star.month) == (
        w.approval_bureau.pk, "审批局承办人", "done", 2026, 12,
    )  # fmt: skip
    assert StarNomination.objects.get(pk=nid).record_id == star.pk
    # Published: final; every member of staff reads the people selected, not the others.
    assert (
        api(conduct, f"/stars/nominations/{sid}/decide", {"decision": "selected", "reason": "改"}).status_code
        == 409
    )
    other_county = api(login(w.handler_siyang), f"/stars/{rid}").json()
    assert [n["person_name"] for n in other_county["nominations"]] == ["审批局承办人"]
    listed = api(login(w.handler_siyang), "/stars").json()["items"]
    assert listed[0]["selected"][0]["person_name"] == "审批局承办人"
    # One audit event per action.
    for action, n in (
        ("supervision.star_round_open", 1), ("supervision.star_nominate", 2), ("supervision.star_round_close", 1),
        ("supervision.star_decide", 2), ("supervision.star_round_publish", 1),
    ):  # fmt: skip
        assert AuditEvent.objects.filter(action=action).count() == n, action


def test_a_nominee_with_open_accountability_is_refused_in_the_round(cast: Any, login: Any) -> None:
    w = cast
    conduct, head = login(w.conduct), login(w.bureau_head)
    rid = api(conduct, "/stars", {"year": 2026, "period": "half", "number": 2}).json()["id"]
    nid = api(head, f"/stars/{rid}/nominations", {"person_id": w.city_handler.pk, "reason": "服务好"}).json()[
        "id"
    ]
    # Then an open 责令检查 on the person: another nomination, the selection and the publication refuse.
    rec = actions.do_create_record(
        w.biz_office, kind="self_examination", unit_id=w.approval_bureau.pk, year=2026, month=11,
        reason="答复敷衍", person_name="审批局窗口员",
    )  # fmt: skip
    r = api(head, f"/stars/{rid}/nominations", {"person_id": w.bureau_second.pk, "reason": "主动"})
    assert r.status_code == 400 and r.json()["code"] == "star_nominee_accountable"
    assert "审批局窗口员有尚未办结的责令检查" in r.json()["message"]
    assert StarNomination.objects.filter(round_id=rid).count() == 1
    # The open record on the unit itself shows against the nominee and refuses the selection.
    actions.do_create_record(
        w.biz_office, kind="interview", unit_id=w.approval_bureau.pk, year=2026, month=11, reason="连续末位"
    )
    detail = api(conduct, f"/stars/{rid}").json()
    assert [x["kind"] for x in detail["nominations"][0]["figures"]["open_records"]] == ["约谈"]
    api(conduct, f"/stars/{rid}/close", {})
    r = api(conduct, f"/stars/nominations/{nid}/decide", {"decision": "selected", "reason": "好"})
    assert r.status_code == 400 and r.json()["code"] == "star_nominee_accountable"
    assert StarNomination.objects.get(pk=nid).decision == "pending"
    assert rec.pk


def test_the_round_page_nominates_and_exports(cast: Any, login: Any) -> None:
    w = cast
    star_round = actions.do_open_star_round(w.conduct, year=2026, period="quarter", number=4, now=_now())
    head = login(w.bureau_head)
    page = head.get(f"/supervision/stars/{star_round.pk}/")
    assert page.status_code == 200
    assert "审批局窗口员" in page.content.decode()  # a person of the unit to choose
    assert "泗阳承办人" not in page.content.decode()
    r = head.post(f"/supervision/stars/{star_round.pk}/", {"person": "", "reason": ""})
    assert r.status_code == 200 and "请选择被推荐人" in r.content.decode()
    r = head.post(
        f"/supervision/stars/{star_round.pk}/", {"person": w.city_handler.pk, "reason": "办件又快又好"}
    )
    assert r.status_code == 302
    xlsx = login(w.conduct).get(f"/supervision/stars/{star_round.pk}/?export=xlsx")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("推荐单位", "被推荐人", "推荐理由")
    assert rows[1][1] == "审批局承办人" and rows[1][4] == 3 and rows[1][9] == "无"
    assert "2026-10 第1名" in rows[1][3]
    # Another unit's head sees the round but not this unit's nominee before publication.
    other_head = make_user("head_sq", Role.UNIT_HEAD, unit=w.siyang_gov, full_name="泗阳负责人")
    assert (
        "审批局承办人" not in login(other_head).get(f"/supervision/stars/{star_round.pk}/").content.decode()
    )
    assert login(w.enterprise_user).get("/supervision/stars/").status_code == 404
    assert StarRound.objects.count() == 1
