"""12345 营商环境专席 (R6.1): 首接负责 — 直接答复 closes the case on the spot; 三方连线 and 在线转接
are recorded with the unit and the outcome; 转派工单 waits for dispatch."""

from __future__ import annotations

from bangban.audit.models import AuditEvent
from bangban.notifications.models import OutboxMessage
from bangban.tickets.models import Reply, Ticket, TicketEvent

from .intake_helpers import category

URL = "/cases/intake/hotline/"


def _form(**fields):
    data = {
        "contact_name": "王先生",
        "contact_phone": "13812340000",
        "title": "咨询开办企业流程",
        "content": "想了解新办企业需要哪些材料，能否一次办好。",
        "category": str(category("政务服务/审批服务").pk),
        "type": "consult",
        "outcome": "work_order",
        "idempotency_key": "",
    }
    data.update(fields)
    return data


def test_direct_answer_closes_the_case_on_the_spot_with_the_answer(cases, login):
    client = login(cases.hotline_agent)
    response = client.post(
        URL, _form(outcome="direct_answer", answer="可通过一网通办平台一次办结，材料清单已告知。")
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.number.startswith("RX-")
    assert ticket.status == "closed" and ticket.closed_at is not None
    assert ticket.hotline_outcome == "direct_answer" and ticket.intake_mode == "phone"
    assert ticket.created_by == cases.hotline_agent and ticket.intake_unit == cases.center
    close = TicketEvent.objects.get(ticket=ticket, kind="close_on_spot")
    assert close.visibility == "public" and "一网通办" in close.note
    assert Reply.objects.filter(ticket=ticket, status="approved").exists()
    intake_event = TicketEvent.objects.get(ticket=ticket, kind="intake")
    assert intake_event.visibility == "public"
    # Nothing to dispatch: the dispatchers are not disturbed.
    assert not OutboxMessage.objects.filter(recipient=cases.dispatcher).exists()
    done = client.get(response["Location"])
    assert ticket.number in done.content.decode() and "当场办结" in done.content.decode()


def test_direct_answer_needs_the_answer_text(cases, login):
    response = login(cases.hotline_agent).post(URL, _form(outcome="direct_answer", answer=""))
    assert response.status_code == 400
    assert "直接答复须填写答复内容" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_three_way_call_that_solved_it_is_recorded_and_closed(cases, login):
    unit = cases.world.approval_bureau
    response = login(cases.hotline_agent).post(
        URL,
        _form(
            outcome="three_way_call",
            connected_unit=str(unit.pk),
            outcome_text="审批局窗口当场解释了材料要求，企业表示清楚。",
            resolved="1",
        ),
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.status == "closed" and ticket.hotline_outcome == "three_way_call"
    data = TicketEvent.objects.get(ticket=ticket, kind="intake").data or {}
    assert data["connected_unit"] == unit.pk and data["connected_name"] == unit.name
    assert data["resolved"] is True and "材料要求" in data["outcome_text"]
    assert unit.name in TicketEvent.objects.get(ticket=ticket, kind="close_on_spot").note


def test_transfer_that_did_not_solve_it_becomes_a_work_order_for_the_dispatchers(cases, login):
    response = login(cases.hotline_agent).post(
        URL,
        _form(
            outcome="transfer",
            connected_name="沭阳县住建局",
            outcome_text="转接后对方表示需现场核实，未当场解决。",
            enterprise=str(cases.ent_shuyang.pk),
        ),
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.status == "pending_dispatch" and ticket.hotline_outcome == "transfer"
    assert ticket.enterprise == cases.ent_shuyang and ticket.region == cases.ent_shuyang.region
    data = TicketEvent.objects.get(ticket=ticket, kind="intake").data or {}
    assert data["connected_name"] == "沭阳县住建局" and data["resolved"] is False
    told = set(OutboxMessage.objects.filter(channel="inapp").values_list("recipient_id", flat=True))
    # The city dispatcher and 沭阳县's (the case lies there) — not the hotline agent.
    assert told == {cases.dispatcher.pk, cases.county_dispatcher.pk}
    message = OutboxMessage.objects.filter(recipient=cases.dispatcher).get()
    assert ticket.number in message.subject and message.link == f"/cases/{ticket.pk}/"


def test_transfer_needs_the_unit_and_the_outcome(cases, login):
    response = login(cases.hotline_agent).post(URL, _form(outcome="transfer"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "请填写连线或转接的单位（部门）" in page and "请填写连线或转接的结果" in page
    assert Ticket.objects.count() == 0


def test_work_order_waits_for_dispatch_and_is_audited(cases, login):
    assert login(cases.hotline_agent).post(URL, _form()).status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.status == "pending_dispatch" and ticket.received_at is not None
    audit = AuditEvent.objects.get(action="ticket.intake", object_id=str(ticket.pk))
    assert audit.actor_id == cases.hotline_agent.pk
    after = audit.after or {}
    assert after["number"] == ticket.number and after["channel"] == "hotline"


def test_caller_phone_must_be_a_mobile_or_landline(cases, login):
    client = login(cases.hotline_agent)
    bad = client.post(URL, _form(contact_phone="12345"))
    assert bad.status_code == 400 and "联系电话格式不正确" in bad.content.decode()
    missing = client.post(URL, _form(contact_phone=""))
    assert "请填写联系电话" in missing.content.decode()
    assert client.post(URL, _form(contact_phone="0527-84361234")).status_code == 302
    assert Ticket.objects.get().contact_phone == "0527-84361234"


def test_only_hotline_agents_use_the_screen(cases, login):
    for user in (cases.enterprise_user, cases.handler_shuyang, cases.dispatcher):
        assert login(user).get(URL).status_code == 403
    page = login(cases.hotline_agent).get(URL)
    assert page.status_code == 200 and 'data-testid="hotline-form"' in page.content.decode()


def test_enterprise_search_lists_only_visible_enterprises(cases, login):
    agent = login(cases.hotline_agent).get("/cases/intake/enterprises/?q=示例").content.decode()
    assert cases.ent_shuyang.name in agent and cases.ent_siyang.name in agent
    county = login(cases.handler_siyang).get("/cases/intake/enterprises/?q=示例").content.decode()
    assert cases.ent_siyang.name in county and cases.ent_shuyang.name not in county
    by_code = login(cases.hotline_agent).get(f"/cases/intake/enterprises/?q={cases.ent_shuyang.uscc[:10]}")
    assert cases.ent_shuyang.name in by_code.content.decode()
    assert (
        "enterprise-option"
        not in login(cases.hotline_agent).get("/cases/intake/enterprises/?q=x").content.decode()
    )


def test_the_same_form_submitted_twice_makes_one_case(cases, login):
    client = login(cases.hotline_agent)
    first = client.post(URL, _form(idempotency_key="form-1"))
    second = client.post(URL, _form(idempotency_key="form-1"))
    assert first["Location"] == second["Location"]
    assert Ticket.objects.count() == 1


def test_the_connected_unit_is_picked_with_the_unit_picker(cases, login):
    client = login(cases.hotline_agent)
    page = client.get(URL).content.decode()
    assert 'data-testid="unit-picker-id_connected_unit"' in page and 'name="connected_unit"' in page
    assert "<select" not in page.split('data-testid="field-connected-unit"', 1)[1].split("</div>", 1)[0]
    unit = cases.world.approval_bureau
    response = client.post(
        URL,
        _form(outcome="transfer", connected_unit=str(unit.pk), outcome_text="对方答应三个工作日内回电。"),
    )
    assert response.status_code == 302
    data = TicketEvent.objects.get(kind="intake").data or {}
    assert data["connected_unit"] == unit.pk and data["connected_name"] == unit.name


def test_an_unknown_connected_unit_is_refused_and_the_pick_is_kept(cases, login):
    client = login(cases.hotline_agent)
    for value in ("999999", "不是编号"):
        response = client.post(
            URL, _form(outcome="three_way_call", connected_unit=value, outcome_text="已连线。")
        )
        assert response.status_code == 400
        assert "所选单位不存在或已停用" in response.content.decode()
    assert Ticket.objects.count() == 0
    # A valid pick survives another field's error as a chip of the picker.
    unit = cases.world.approval_bureau
    response = client.post(URL, _form(outcome="transfer", connected_unit=str(unit.pk), outcome_text=""))
    assert response.status_code == 400
    assert f'data-chip="{unit.pk}"' in response.content.decode()


def test_a_direct_answer_records_its_result_and_the_call(cases, login):
    client = login(cases.hotline_agent)
    page = client.get(URL).content.decode()
    # A direct answer to a question is an explanation unless the agent says otherwise.
    assert 'id="answer_result-explained" value="explained" checked' in page
    assert 'id="connected_result-resolved" value="resolved" checked' in page
    response = client.post(URL, _form(outcome="direct_answer", answer="可通过一网通办平台一次办结。"))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    reply = Reply.objects.get(ticket=ticket)
    assert reply.result == "explained" and reply.contact_method == "phone"
    assert reply.contact_person == "王先生" and reply.contacted_at is not None
    assert (TicketEvent.objects.get(ticket=ticket, kind="intake").data or {})["result"] == "explained"
    # The case page shows it like any other reply's (the follow-up reads it there).
    staff_page = login(cases.dispatcher).get(f"/cases/{ticket.pk}/").content.decode()
    assert 'data-testid="reply-result">解释说明<' in staff_page
    picked = client.post(
        URL, _form(title="咨询退税", outcome="direct_answer", answer="已当场办理。", answer_result="resolved")
    )
    assert picked.status_code == 302
    assert Reply.objects.order_by("-id")[0].result == "resolved"


def test_a_solved_connection_is_resolved_and_a_bad_result_is_refused(cases, login):
    client = login(cases.hotline_agent)
    unit = cases.world.approval_bureau
    bad = client.post(URL, _form(outcome="direct_answer", answer="已答复。", answer_result="closed"))
    assert bad.status_code == 400 and "办理结果无效，应为已解决、部分解决或解释说明" in bad.content.decode()
    assert Ticket.objects.count() == 0
    response = client.post(
        URL,
        _form(outcome="transfer", connected_unit=str(unit.pk), outcome_text="当场解决。", resolved="1"),
    )
    assert response.status_code == 302
    assert Reply.objects.get().result == "resolved"
