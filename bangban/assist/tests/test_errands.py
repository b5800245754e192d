"""代办 as tracked work through the API and the pages: the moves of the state machine, steps and
materials, the enterprise's confirmation (or a signed paper one), and every refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from bangban.accounts.roles import Role
from bangban.assist.models import Errand
from bangban.audit.models import AuditEvent
from bangban.conftest import make_user

from .conftest import API, Cast, errand, record

pytestmark = pytest.mark.django_db


def post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(f"{API}{path}", body or {}, content_type="application/json")


def test_from_a_service_to_a_confirmed_errand(cast: Cast, login: Any) -> None:
    officer, company = login(cast.officer), login(cast.world.enterprise_user)
    service = record(cast)
    due = (timezone.localdate(cast.now) + dt.timedelta(days=3)).isoformat()
    opened = post(officer, "/errands", {"record_id": service.pk, "due_on": due})
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert (
        body["status"] == "accepted" and body["matter"] == service.matter and body["record_id"] == service.pk
    )
    assert body["number"].startswith(f"DB{cast.site.pk:03d}-")
    pk = body["id"]
    assert (
        post(officer, f"/errands/{pk}/start", {"version": body["version"]}).json()["status"] == "in_progress"
    )
    with_material = post(officer, f"/errands/{pk}/materials", {"name": "营业执照复印件", "count": 2})
    material = with_material.json()["materials"][0]
    assert material["count"] == 2 and material["returned_at"] is None
    assert (
        post(officer, f"/errands/{pk}/steps", {"text": "已向县市场监管局提交"}).json()["steps"][0]["text"]
        == "已向县市场监管局提交"
    )
    awaiting = post(officer, f"/errands/{pk}/request-confirmation")
    assert awaiting.json()["status"] == "awaiting" and "confirm" in awaiting.json()["allowed"]
    # The material is still out: the enterprise cannot confirm yet.
    refused = post(company, f"/errands/{pk}/confirm")
    assert (refused.status_code, refused.json()["code"]) == (409, "materials_not_returned")
    assert "营业执照复印件" in refused.json()["message"]
    post(officer, f"/errands/{pk}/materials/{material['id']}/return")
    done = post(company, f"/errands/{pk}/confirm", {"note": "已收到许可证"})
    assert (
        done.status_code == 200
        and done.json()["status"] == "done"
        and done.json()["confirmation"] == "online"
    )
    events = AuditEvent.objects.filter(object_type="assist.errand", object_id=str(pk)).values_list(
        "action", flat=True
    )
    assert "assist.errand_confirm" in events and list(events).count("assist.errand_confirm") == 1


def test_closing_without_the_enterprises_confirmation_is_refused(cast: Cast, login: Any) -> None:
    officer = login(cast.officer)
    pk = errand(cast).pk
    early = post(officer, f"/errands/{pk}/close", {"paper_signed": True, "note": "企业无账号"})
    assert (early.status_code, early.json()["code"]) == (409, "confirmation_required")
    post(officer, f"/errands/{pk}/start")
    post(officer, f"/errands/{pk}/request-confirmation")
    unsigned = post(officer, f"/errands/{pk}/close", {"note": "想直接办结"})
    assert (unsigned.status_code, unsigned.json()["code"]) == (409, "confirmation_required")
    assert "企业尚未确认办结" in unsigned.json()["message"]
    no_reason = post(officer, f"/errands/{pk}/close", {"paper_signed": True})
    assert (no_reason.status_code, no_reason.json()["code"]) == (400, "note_required")
    closed = post(
        officer, f"/errands/{pk}/close", {"paper_signed": True, "note": "企业负责人不便上网，纸质签收"}
    )
    assert closed.json()["status"] == "done" and closed.json()["confirmation"] == "paper"
    again = post(officer, f"/errands/{pk}/terminate", {"reason": "重复"})
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")


def test_the_enterprise_sends_it_back_with_a_reason(cast: Cast, login: Any) -> None:
    officer, company = login(cast.officer), login(cast.world.enterprise_user)
    pk = errand(cast).pk
    post(officer, f"/errands/{pk}/start")
    post(officer, f"/errands/{pk}/request-confirmation")
    assert post(company, f"/errands/{pk}/send-back").json()["code"] == "note_required"
    back = post(company, f"/errands/{pk}/send-back", {"note": "许可证载明的地址有误"})
    assert back.json()["status"] == "in_progress"
    assert back.json()["steps"][-1]["text"] == "企业退回：许可证载明的地址有误"


def test_terminate_needs_a_reason_and_ends_the_log(cast: Cast, login: Any) -> None:
    officer = login(cast.officer)
    pk = errand(cast).pk
    assert post(officer, f"/errands/{pk}/terminate", {"reason": ""}).json()["code"] == "reason_required"
    ended = post(officer, f"/errands/{pk}/terminate", {"reason": "企业撤回申请"})
    assert ended.json()["status"] == "terminated" and ended.json()["end_reason"] == "企业撤回申请"
    late = post(officer, f"/errands/{pk}/steps", {"text": "补记"})
    assert (late.status_code, late.json()["code"]) == (409, "errand_closed")


def test_a_stale_version_is_refused(cast: Cast, login: Any) -> None:
    officer = login(cast.officer)
    item = errand(cast)
    response = post(officer, f"/errands/{item.pk}/start", {"version": item.version + 5})
    assert (response.status_code, response.json()["code"]) == (409, "conflict")


def test_bad_errand_input(cast: Cast, login: Any) -> None:
    officer = login(cast.officer)
    yesterday = (timezone.localdate(cast.now) - dt.timedelta(days=1)).isoformat()
    body = {"site_id": cast.site.pk, "enterprise_name": "某企业", "matter": "代办", "due_on": yesterday}
    assert post(officer, "/errands", body).json()["code"] == "due_in_past"
    body["due_on"] = timezone.localdate(cast.now).isoformat()
    body["matter"] = ""
    assert post(officer, "/errands", body).json()["code"] == "matter_required"
    pk = errand(cast).pk
    post(officer, f"/errands/{pk}/start")
    assert (
        post(officer, f"/errands/{pk}/materials", {"name": "合同", "count": 0}).json()["code"]
        == "invalid_count"
    )
    future = (cast.now + dt.timedelta(hours=2)).isoformat()
    assert (
        post(officer, f"/errands/{pk}/materials", {"name": "合同", "count": 1, "handed_at": future}).json()[
            "code"
        ]
        == "time_in_future"
    )
    material = post(officer, f"/errands/{pk}/materials", {"name": "合同", "count": 1}).json()["materials"][0]
    before = (cast.now - dt.timedelta(days=1)).isoformat()
    answer = post(officer, f"/errands/{pk}/materials/{material['id']}/return", {"returned_at": before})
    assert answer.json()["code"] == "return_before_handover"
    post(officer, f"/errands/{pk}/materials/{material['id']}/return")
    twice = post(officer, f"/errands/{pk}/materials/{material['id']}/return")
    assert (twice.status_code, twice.json()["code"]) == (409, "already_returned")


def test_who_sees_and_who_may_act(cast: Cast, login: Any) -> None:
    w = cast.world
    item = errand(cast)
    pk = item.pk
    # Another site's officer and another county: 404. Another enterprise: 404.
    assert login(cast.officer_siyang).get(f"{API}/errands/{pk}").status_code == 404
    assert post(login(cast.officer_siyang), f"/errands/{pk}/start").status_code == 404
    other = make_user("ent_other", Role.ENTERPRISE, enterprise=w.ent_siyang)
    assert login(other).get(f"{API}/errands/{pk}").status_code == 404
    assert login(other).get(f"/assist/errands/{pk}/").status_code == 404
    # The county's handler reads but may not act; the enterprise reads its own but may not start it.
    assert login(w.handler_shuyang).get(f"{API}/errands/{pk}").status_code == 200
    assert post(login(w.handler_shuyang), f"/errands/{pk}/start").status_code == 403
    assert login(w.enterprise_user).get(f"{API}/errands/{pk}").status_code == 200
    assert post(login(w.enterprise_user), f"/errands/{pk}/start").status_code == 403
    # The officer may not confirm for the enterprise.
    post(login(cast.officer), f"/errands/{pk}/start")
    post(login(cast.officer), f"/errands/{pk}/request-confirmation")
    assert post(login(cast.officer), f"/errands/{pk}/confirm").status_code == 403
    assert Errand.objects.get().status == "awaiting"


def test_the_pages_walk_an_errand(cast: Cast, login: Any) -> None:
    officer, company = login(cast.officer), login(cast.world.enterprise_user)
    service = record(cast)
    due = (timezone.localdate(cast.now) + dt.timedelta(days=2)).isoformat()
    opened = officer.post("/assist/errands/", {"record": service.pk, "due_on": due}, follow=True)
    item = Errand.objects.get()
    assert "已受理代办" in opened.content.decode() and item.record == service
    officer.post(f"/assist/errands/{item.pk}/start/", {"version": item.version})
    officer.post(f"/assist/errands/{item.pk}/request/", {"version": item.version + 1})
    page = officer.post(
        f"/assist/errands/{item.pk}/close/", {"version": item.version + 2}, follow=True
    ).content.decode()
    assert "企业尚未确认办结" in page
    own = company.get("/assist/")
    assert own.status_code == 302 and own["Location"].endswith("/assist/errands/")
    listing = company.get("/assist/errands/").content.decode()
    assert item.number in listing and "我的代办" in listing
    mine = company.get(f"/assist/errands/{item.pk}/").content.decode()
    assert 'data-testid="confirm"' in mine
    done = company.post(f"/assist/errands/{item.pk}/confirm/", {"version": item.version + 2}, follow=True)
    assert "您已确认办结" in done.content.decode()
    assert Errand.objects.get().status == "done"
    assert officer.post(f"/assist/errands/{item.pk}/nothing/").status_code == 404
