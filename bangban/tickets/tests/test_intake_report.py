"""Service officers' visit reports (the enterprise is required) and volunteer supervisors' reports
(R3.3, R4.1, R5.3); 营商办 may file either."""

from __future__ import annotations

from bangban.tickets.models import Ticket

from .intake_helpers import category, make_filers

URL = "/cases/intake/report/"


def _report(**fields):
    data = {
        "title": "企业反映用电报装慢",
        "content": "走访中企业反映新厂区用电报装两个月未接电。",
        "category": str(category("要素保障/用电用水用气/用电报装").pk),
    }
    data.update(fields)
    return data


def test_officer_reports_a_need_found_on_a_visit(cases, login):
    officer = make_filers(cases).officer
    response = login(officer).post(URL, _report(channel="officer", enterprise=str(cases.ent_shuyang.pk)))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == "officer" and ticket.intake_mode == "visit" and ticket.number.startswith("BB-")
    assert ticket.enterprise == cases.ent_shuyang and ticket.intake_unit == officer.unit
    # The enterprise's 工作联络员 becomes the contact when none is given.
    assert ticket.contact_name == "张三" and ticket.contact_phone == "13812345678"


def test_officer_report_needs_an_enterprise_of_the_officers_area(cases, login):
    client = login(make_filers(cases).officer)
    missing = client.post(URL, _report(channel="officer"))
    assert missing.status_code == 400 and "请选择诉求涉及的企业" in missing.content.decode()
    other = client.post(URL, _report(channel="officer", enterprise=str(cases.ent_siyang.pk)))
    assert "所选企业不存在或不在您的服务范围内" in other.content.decode()
    assert Ticket.objects.count() == 0


def test_supervisor_reports_without_a_registered_enterprise(cases, login):
    supervisor = make_filers(cases).supervisor
    response = login(supervisor).post(
        URL, _report(channel="supervisor", enterprise_name="某物流公司", contact_phone="13700001111")
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == "supervisor" and ticket.number.startswith("JD-")
    assert ticket.enterprise_name == "某物流公司" and ticket.intake_unit is None


def test_supervisor_cannot_file_an_officer_report(cases, login):
    response = login(make_filers(cases).supervisor).post(URL, _report(channel="officer"))
    assert response.status_code == 403 and Ticket.objects.count() == 0


def test_biz_office_may_file_both_and_others_none(cases, login):
    page = login(cases.biz_office).get(URL).content.decode()
    assert 'value="officer"' in page and 'value="supervisor"' in page
    assert login(cases.handler_shuyang).get(URL).status_code == 403
    assert login(cases.enterprise_user).get(URL).status_code == 403


def test_intake_hub_lists_the_pages_a_role_may_use(cases, login):
    officer_hub = login(make_filers(cases).officer).get("/cases/intake/").content.decode()
    assert 'data-testid="intake-report"' in officer_hub and 'data-testid="intake-hotline"' not in officer_hub
    enterprise_hub = login(cases.enterprise_user).get("/cases/intake/").content.decode()
    assert 'data-testid="intake-portal"' in enterprise_hub and 'data-testid="intake-window"' in enterprise_hub
    assert 'data-testid="intake-hotline"' in login(cases.hotline_agent).get("/cases/intake/").content.decode()
