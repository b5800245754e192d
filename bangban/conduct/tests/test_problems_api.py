"""直通车企业, 作风观察点 and the 问题清单 through the API (R7.1): 作风办 designates, records a problem,
transfers it (a case routed to a unit) and the item's progress follows the case to its close."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from bangban.accounts.roles import Role
from bangban.audit.models import AuditEvent
from bangban.conduct.actions.problems import TRANSFER_FLOW
from bangban.conduct.models import ProblemItem, ProblemState
from bangban.conftest import make_user, reply_fields
from bangban.core.errors import PermissionDenied
from bangban.tickets.actions import do_accept, do_approve_reply, do_dispatch, do_submit_reply
from bangban.tickets.defaults import ensure_defaults
from bangban.tickets.guards import ReviewSignOff
from bangban.tickets.intake import IntakeInput, do_intake_api
from bangban.tickets.models import Channel, Ticket
from bangban.tickets.workflow import Status

from .conftest import API


@pytest.fixture(autouse=True)
def _deadline_policies(db: Any) -> None:
    ensure_defaults()  # the 作风直通车 channel's working-day deadlines, as on an installed system


def _designate(client: Any, enterprise_id: int, **overrides: Any) -> Any:
    body = {
        "enterprise_id": enterprise_id,
        "kind": "through_train",
        "starts_on": timezone.localdate().isoformat(),
    }
    body.update(overrides)
    return client.post(f"{API}/designations", body, content_type="application/json")


def _problem(client: Any, **overrides: Any) -> Any:
    body = {
        "source": "covert",
        "region_code": "321322",
        "text": "县政务服务中心不动产登记窗口要求企业重复提交已上传的材料",
        "found_on": timezone.localdate().isoformat(),
    }
    body.update(overrides)
    return client.post(f"{API}/problems", body, content_type="application/json")


def test_designation_is_listed_overlaps_are_refused_and_ending_is_audited(cast: Any, login: Any) -> None:
    w = cast.world
    client = login(cast.zuofeng)
    start = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    response = _designate(client, w.ent_shuyang.pk, note="首批直通车企业", starts_on=start)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind_label"] == "直通车企业" and body["ends_on"] is None
    again = _designate(client, w.ent_shuyang.pk)
    assert again.status_code == 400 and again.json()["code"] == "already_designated"
    # Another kind is a separate designation.
    assert _designate(client, w.ent_shuyang.pk, kind="observation").status_code == 201
    listed = client.get(f"{API}/designations", {"region": "321322"}).json()
    assert listed["count"] == 2
    assert client.get(f"{API}/designations", {"region": "321323"}).json()["count"] == 0
    # The enterprise's own user sees its designations; a handler sees none; nobody else may designate.
    own = login(w.enterprise_user).get(f"{API}/designations").json()
    assert own["count"] == 2
    assert login(w.handler_siyang).get(f"{API}/designations").json()["count"] == 0
    refused = _designate(login(w.handler_siyang), w.ent_siyang.pk)
    assert refused.status_code == 403
    today = timezone.localdate()
    ended = client.post(
        f"{API}/designations/{body['id']}/end",
        {
            "ends_on": (today - dt.timedelta(days=1)).isoformat(),
            "note": "企业申请退出",
            "version": body["version"],
        },
        content_type="application/json",
    )
    assert ended.status_code == 200, ended.content
    assert client.get(f"{API}/designations", {"kind": "through_train"}).json()["count"] == 0
    assert client.get(f"{API}/designations", {"status": "ended"}).json()["count"] == 1
    twice = client.post(
        f"{API}/designations/{body['id']}/end",
        {"ends_on": today.isoformat()},
        content_type="application/json",
    )
    assert twice.status_code == 409 and twice.json()["code"] == "already_ended"
    actions = set(
        AuditEvent.objects.filter(action__startswith="conduct.designat").values_list("action", flat=True)
    )
    assert actions == {"conduct.designate", "conduct.designation_end"}


def test_a_transferred_problem_follows_its_case_to_the_close(cast: Any, login: Any) -> None:
    w = cast.world
    client = login(cast.zuofeng)
    created = _problem(client, item_id=cast.items["FM-11"].pk, source_ref="12月明察暗访第2组")
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["progress"] == "pending" and item["region_name"] == "沭阳县"
    response = client.post(
        f"{API}/problems/{item['id']}/transfer",
        {"unit_id": w.shuyang_gov.pk, "version": item["version"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    moved = response.json()
    assert moved["state"] == "transferred" and moved["progress"] == "in_progress"
    assert moved["case_number"].startswith("ZF-") and moved["case_due_at"]
    case = Ticket.objects.get(pk=moved["case_id"])
    assert case.channel == Channel.CONDUCT and case.status == Status.DISPATCHED
    assert case.lead_unit_id == w.shuyang_gov.pk and "FM-11" in case.content
    # A second transfer is refused; the unit handles the case; the item reads its progress.
    again = client.post(f"{API}/problems/{item['id']}/transfer", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_handled"
    head = make_user("head_sy", Role.UNIT_HEAD, unit=w.shuyang_gov, full_name="沭阳县政府负责人")
    do_accept(acting_user=w.handler_shuyang, ticket_id=case.pk)
    assert client.get(f"{API}/problems/{item['id']}").json()["progress"] == "in_progress"
    do_submit_reply(
        acting_user=w.handler_shuyang,
        ticket_id=case.pk,
        content="已责令窗口整改，实行一次告知。",
        **reply_fields(),
    )
    do_approve_reply(acting_user=head, ticket_id=case.pk)
    done = client.get(f"{API}/problems/{item['id']}").json()
    assert done["progress"] == "closed" and done["progress_label"] == "已办结"
    assert client.get(f"{API}/problems", {"progress": "closed"}).json()["count"] == 1
    assert client.get(f"{API}/problems", {"progress": "open"}).json()["count"] == 0
    assert ProblemItem.objects.get().state == ProblemState.TRANSFERRED  # no second copy of the case's state


def test_problem_closed_directly_and_bad_input_refused(cast: Any, login: Any) -> None:
    client = login(cast.zuofeng)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"source": "nope"}, "invalid_source"),
        ({"text": " "}, "text_required"),
        ({"source": "symposium"}, "enterprise_required"),
        ({"region_code": ""}, "region_required"),
        ({"found_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()}, "found_in_future"),
        ({"item_id": 999999}, "item_not_found"),
    ]
    for overrides, code in cases:
        response = _problem(client, **overrides)
        assert response.status_code == 400 and response.json()["code"] == code, (overrides, response.content)
    item = _problem(client).json()
    no_note = client.post(
        f"{API}/problems/{item['id']}/resolve", {"note": ""}, content_type="application/json"
    )
    assert no_note.status_code == 400 and no_note.json()["code"] == "note_required"
    no_unit = client.post(f"{API}/problems/{item['id']}/transfer", {}, content_type="application/json")
    assert no_unit.status_code == 400 and no_unit.json()["code"] == "unit_required"
    resolved = client.post(
        f"{API}/problems/{item['id']}/resolve", {"note": "现场已整改"}, content_type="application/json"
    )
    assert resolved.status_code == 200 and resolved.json()["progress"] == "resolved"
    late = client.post(
        f"{API}/problems/{item['id']}/transfer",
        {"unit_id": cast.world.shuyang_gov.pk},
        content_type="application/json",
    )
    assert late.status_code == 409
    assert Ticket.objects.count() == 0
    # Outside 作风办 and the supervising roles the list is empty and items are not found.
    other = login(cast.inspector)
    assert other.get(f"{API}/problems").json()["count"] == 0
    assert other.get(f"{API}/problems/{item['id']}").status_code == 404
    assert _problem(other).status_code == 403


def test_return_call_problems_become_items(cast: Any, login: Any) -> None:
    w = cast.world
    client = login(cast.zuofeng)
    body = {
        "enterprise_id": w.ent_siyang.pk,
        "called_on": timezone.localdate().isoformat(),
        "contact": "王经理",
        "satisfied": False,
        "problems": ["环评审批迟迟没有答复", "", "用地手续材料被要求反复修改"],
    }
    refused = client.post(f"{API}/return-calls", body, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "not_designated"
    assert _designate(client, w.ent_siyang.pk, kind="observation").status_code == 201
    response = client.post(f"{API}/return-calls", body, content_type="application/json")
    assert response.status_code == 201, response.content
    ids = response.json()["problem_ids"]
    assert len(ids) == 2
    listed = client.get(f"{API}/problems", {"source": "callback"}).json()["items"]
    assert {p["id"] for p in listed} == set(ids)
    assert all(p["enterprise_name"] == w.ent_siyang.name and p["region_code"] == "321323" for p in listed)


def test_only_the_conduct_office_dispatches_through_its_own_flow(cast: Any, login: Any) -> None:
    """The dispatch guard clears 作风办's own 转办 and nothing else: 营商办 (who sees every case but is
    no dispatcher) naming the flow is still refused by the ordinary dispatcher rule."""
    w = cast.world
    case = do_intake_api(
        acting_user=cast.zuofeng, channel="conduct", data=IntakeInput(title="作风问题", content="窗口推诿")
    ).ticket
    with pytest.raises(PermissionDenied):
        do_dispatch(
            acting_user=w.biz_office, ticket_id=case.pk, lead_unit_id=w.shuyang_gov.pk,
            authorised_by=ReviewSignOff(TRANSFER_FLOW, case.pk),
        )  # fmt: skip
    # Another case's sign-off does not clear this one, even for 作风办.
    with pytest.raises(PermissionDenied):
        do_dispatch(
            acting_user=cast.zuofeng, ticket_id=case.pk, lead_unit_id=w.shuyang_gov.pk,
            authorised_by=ReviewSignOff(TRANSFER_FLOW, case.pk + 1),
        )  # fmt: skip
    done = do_dispatch(
        acting_user=cast.zuofeng, ticket_id=case.pk, lead_unit_id=w.shuyang_gov.pk,
        authorised_by=ReviewSignOff(TRANSFER_FLOW, case.pk),
    )  # fmt: skip
    assert done.lead_unit_id == w.shuyang_gov.pk
