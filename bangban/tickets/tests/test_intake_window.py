""" "办不成事" window (R2.2), online and at the counter: simple problems 即知即办 (closed on the spot,
same working day), complex ones wait for dispatch with 5 working days."""

from __future__ import annotations

from bangban.accounts.roles import Role
from bangban.conftest import make_user
from bangban.tickets.models import Ticket, TicketEvent

from .intake_helpers import category, make_filers

ONLINE = "/cases/intake/window/"
COUNTER = "/cases/intake/window/counter/"


def test_enterprise_reports_online_and_lands_on_the_case_page(cases, login):
    response = login(cases.enterprise_user).post(
        ONLINE,
        {
            "title": "营业执照变更办不成",
            "content": "窗口要求的材料与网上公布的不一致，跑了三次没办成。",
            "urgency": "complex",
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/cases/{ticket.pk}/"
    assert ticket.channel == "window" and ticket.intake_mode == "online" and ticket.number.startswith("BC-")
    assert ticket.urgency == "complex" and ticket.status == "pending_dispatch"
    assert ticket.submitter == cases.enterprise_user and ticket.enterprise == cases.ent_shuyang
    assert ticket.contact_name == cases.enterprise_user.full_name


def test_online_urgency_is_simple_or_complex_only(cases, login):
    response = login(cases.enterprise_user).post(ONLINE, {"title": "x", "content": "y", "urgency": "urgent"})
    assert response.status_code == 400 and "请选择问题是简单还是复杂" in response.content.decode()


def test_staff_use_the_counter_not_the_online_form(cases, login):
    assert login(cases.handler_shuyang).get(ONLINE).status_code == 403
    assert login(cases.enterprise_user).get(COUNTER).status_code == 403


def _counter(**fields):
    data = {
        "contact_name": "李女士",
        "contact_phone": "13900001234",
        "title": "不动产登记咨询",
        "content": "询问厂房不动产首次登记需要的材料。",
        "category": str(category("工程建设/竣工验收/不动产首次登记").pk),
        "handling": "on_spot",
        "answer": "已告知材料清单，可在政务服务中心3号窗口一次办理。",
    }
    data.update(fields)
    return data


def test_simple_problem_at_the_counter_is_closed_on_the_spot(cases, login):
    filers = make_filers(cases)
    response = login(filers.site_staff).post(COUNTER, _counter(enterprise=str(cases.ent_shuyang.pk)))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.intake_mode == "counter" and ticket.intake_unit == filers.site
    assert ticket.status == "closed" and ticket.urgency == "general"
    assert ticket.contact_name == "李女士" and ticket.enterprise == cases.ent_shuyang
    assert "3号窗口" in TicketEvent.objects.get(ticket=ticket, kind="close_on_spot").note


def test_site_staff_of_any_role_close_a_simple_problem_on_the_spot(cases, login):
    filers = make_filers(cases)
    helper = make_user("daiban_sy", Role.SERVICE_OFFICER, unit=filers.site, full_name="帮办代办员")
    response = login(helper).post(COUNTER, _counter(enterprise=str(cases.ent_shuyang.pk)))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.status == "closed" and ticket.created_by == helper
    # Staff of an ordinary department with the same role do not work at a counter.
    officer = login(filers.officer).post(COUNTER, _counter(enterprise=str(cases.ent_shuyang.pk)))
    assert officer.status_code == 403 and Ticket.objects.count() == 1


def test_complex_problem_at_the_counter_waits_for_dispatch_as_complex(cases, login):
    filers = make_filers(cases)
    response = login(filers.site_staff).post(
        COUNTER, _counter(handling="refer", answer="", enterprise_name="未登记的小微企业")
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.status == "pending_dispatch" and ticket.urgency == "complex"
    assert ticket.enterprise is None and ticket.enterprise_name == "未登记的小微企业"
    assert (TicketEvent.objects.get(ticket=ticket, kind="intake").data or {})["handling"] == "refer"


def test_counter_needs_the_visitor_and_an_answer_for_on_the_spot(cases, login):
    response = login(cases.handler_shuyang).post(
        COUNTER, _counter(contact_name="", contact_phone="", answer="")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "请填写联系人姓名" in page and "请填写联系电话" in page and "即知即办须填写当场答复的内容" in page
    assert Ticket.objects.count() == 0


def test_counter_cannot_file_for_an_enterprise_out_of_scope(cases, login):
    response = login(cases.handler_siyang).post(COUNTER, _counter(enterprise=str(cases.ent_shuyang.pk)))
    assert response.status_code == 400
    assert "所选企业不存在或不在您的服务范围内" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_a_handler_may_file_at_the_counter_too(cases, login):
    assert login(cases.handler_shuyang).post(COUNTER, _counter()).status_code == 302
    assert Ticket.objects.get().created_by == cases.handler_shuyang


def test_an_answer_at_the_counter_records_its_result_for_the_follow_up(cases, login):
    from bangban.tickets.models import Reply

    filers = make_filers(cases)
    client = login(filers.site_staff)
    form = client.get(COUNTER).content.decode()
    assert 'name="answer_result"' in form and 'id="answer_result-resolved" value="resolved" checked' in form
    bad = client.post(COUNTER, _counter(answer_result="done"))
    assert bad.status_code == 400 and "办理结果无效，应为已解决、部分解决或解释说明" in bad.content.decode()
    assert not Ticket.objects.exists()
    # Nothing picked: 已解决; the visitor at the counter is the contact (当面).
    assert client.post(COUNTER, _counter(enterprise=str(cases.ent_shuyang.pk))).status_code == 302
    reply = Reply.objects.get()
    assert reply.result == "resolved" and reply.contact_method == "in_person"
    assert reply.contact_person == "李女士" and reply.contacted_at is not None
    assert client.post(COUNTER, _counter(title="另一件咨询", answer_result="explained")).status_code == 302
    assert Reply.objects.order_by("-id")[0].result == "explained"
