"""R3.2, R4.2, R4.3: officers log contacts and visits of their enterprises, needs become cases in one
step, the enterprise's 工作联络员 confirms or disputes visits, and a leader's visit is recorded the
same way."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from bangban.audit.models import AuditEvent
from bangban.network.actions import ContactInput, do_assign, do_log_contact, do_name_liaison, verify_url
from bangban.network.models import Contact, Verification
from bangban.notifications.models import OutboxMessage
from bangban.tickets.models import Channel, Ticket

API = "/api/v1/network"


@pytest.fixture
def served(net: Any) -> Any:
    """The township officer serves 沭阳示例纺织 (whose user is its 工作联络员); the county officer
    serves the county key enterprise."""
    admin = net.world.admin
    do_assign(acting_user=admin, enterprise_id=net.general.pk, officer_id=net.township_officer.pk)
    do_assign(acting_user=admin, enterprise_id=net.county_key.pk, officer_id=net.county_officer.pk)
    net.world.enterprise_user.phone = "13811112222"
    net.world.enterprise_user.save()
    do_name_liaison(acting_user=net.world.enterprise_user, user_id=net.world.enterprise_user.pk)
    return net


def visit(**overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "visit",
        "contact_on": timezone.localdate().isoformat(),
        "summary": "走访车间，了解订单和用工情况。",
        "raised": "",
    }
    data.update(overrides)
    return data


def test_a_visit_that_raises_a_need_becomes_a_case_in_one_step(served: Any, login: Any) -> None:
    net = served
    client = login(net.township_officer)
    response = client.post(
        f"{API}/contacts",
        visit(
            enterprise_id=net.general.pk,
            raised="厂区门前道路破损，货车进出困难，希望尽快修复。",
            raise_case=True,
            case_title="厂区门前道路破损",
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    contact = Contact.objects.get()
    ticket = Ticket.objects.get()
    assert body["ticket_id"] == ticket.pk and body["ticket_number"] == ticket.number
    assert contact.ticket_id == ticket.pk
    assert ticket.channel == Channel.OFFICER and ticket.enterprise_id == net.general.pk
    assert ticket.title == "厂区门前道路破损" and "货车进出困难" in ticket.content
    assert contact.verification == Verification.PENDING
    assert AuditEvent.objects.filter(action="network.contact_log", object_id=str(contact.pk)).exists()
    # The liaison is asked: in-app, and an SMS with a signed link.
    assert OutboxMessage.objects.filter(recipient=net.world.enterprise_user, channel="inapp").exists()
    sms = OutboxMessage.objects.get(channel="sms", address="13811112222")
    assert "/network/v/" in sms.body


def test_phone_page_logs_a_contact(served: Any, login: Any) -> None:
    net = served
    client = login(net.township_officer)
    form = client.get("/network/contacts/new/")
    assert form.status_code == 200 and net.general.name in form.content.decode()
    response = client.post(
        "/network/contacts/new/",
        visit(enterprise=net.general.pk, kind="phone", summary="电话了解本月订单"),
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.kind == "phone" and contact.verification == Verification.NOT_REQUIRED
    mine = client.get("/network/mine/").content.decode()
    assert net.general.name in mine


def test_a_visit_for_an_enterprise_not_assigned_to_the_officer_is_refused(served: Any, login: Any) -> None:
    net = served
    client = login(net.county_officer)  # serves the key enterprise, not 沭阳示例纺织
    response = client.post(
        f"{API}/contacts", visit(enterprise_id=net.general.pk), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "enterprise_not_assigned",
        "message": "您未挂钩该企业，不能登记联系或走访（请联系单位负责人安排挂钩）",
        "details": {"field": "enterprise"},
    }
    page = client.post("/network/contacts/new/", visit(enterprise=net.general.pk))
    assert page.status_code == 400 and "您未挂钩该企业" in page.content.decode()
    # An enterprise outside the officer's region does not exist for the officer.
    outside = client.post(
        f"{API}/contacts", visit(enterprise_id=net.siyang_general.pk), content_type="application/json"
    )
    assert outside.status_code == 404
    assert not Contact.objects.exists()
    assert not AuditEvent.objects.filter(action="network.contact_log").exists()


def test_a_visit_dated_in_the_future_is_refused(served: Any, login: Any) -> None:
    net = served
    client = login(net.township_officer)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        f"{API}/contacts",
        visit(enterprise_id=net.general.pk, contact_on=tomorrow),
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "contact_in_future"
    assert body["message"] == "联系日期不能晚于今天，请登记已经发生的联系"
    page = client.post("/network/contacts/new/", visit(enterprise=net.general.pk, contact_on=tomorrow))
    assert page.status_code == 400 and 'data-testid="error-contact_on"' in page.content.decode()
    assert not Contact.objects.exists()


def test_a_duplicate_contact_is_refused(served: Any, login: Any) -> None:
    net = served
    client = login(net.township_officer)
    first = client.post(
        f"{API}/contacts", visit(enterprise_id=net.general.pk), content_type="application/json"
    )
    assert first.status_code == 201
    again = client.post(
        f"{API}/contacts",
        visit(enterprise_id=net.general.pk, summary="同一天又登记一次", raised="再次反映", raise_case=True),
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_contact"
    assert "请勿重复登记" in again.json()["message"]
    assert Contact.objects.count() == 1 and not Ticket.objects.exists()
    # Another kind on the same day is a different contact.
    phone = client.post(
        f"{API}/contacts", visit(enterprise_id=net.general.pk, kind="phone"), content_type="application/json"
    )
    assert phone.status_code == 201


def test_the_database_refuses_a_duplicate_too(served: Any) -> None:
    from django.db import IntegrityError, transaction

    net = served
    do_log_contact(
        acting_user=net.township_officer, data=ContactInput(enterprise_id=net.general.pk, **visit())
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(
            officer=net.township_officer,
            enterprise=net.general,
            kind="visit",
            contact_on=timezone.localdate(),
            summary="x",
        )


def test_missing_fields_are_reported_together(served: Any, login: Any) -> None:
    client = login(served.township_officer)
    response = client.post(
        f"{API}/contacts",
        visit(enterprise_id=served.general.pk, summary="", raise_case=True, kind="fax"),
        content_type="application/json",
    )
    assert response.status_code == 400
    fields = response.json()["details"]["fields"]
    assert set(fields) == {"kind", "summary", "raised"}


def test_only_officers_log_contacts(served: Any, login: Any) -> None:
    response = login(served.world.handler_shuyang).post(
        f"{API}/contacts", visit(enterprise_id=served.general.pk), content_type="application/json"
    )
    assert response.status_code == 403


def test_raise_a_case_later_from_the_contact_page(served: Any, login: Any) -> None:
    net = served
    contact = do_log_contact(
        acting_user=net.township_officer,
        data=ContactInput(
            enterprise_id=net.general.pk, **visit(kind="phone", raised="希望了解稳岗补贴申领流程")
        ),
    )
    client = login(net.township_officer)
    page = client.get(f"/network/contacts/{contact.pk}/")
    assert 'data-testid="raise-form"' in page.content.decode()
    response = client.post(
        f"/network/contacts/{contact.pk}/", {"action": "raise_case", "case_title": "稳岗补贴咨询"}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.ticket is not None and contact.ticket.title == "稳岗补贴咨询"
    again = client.post(f"{API}/contacts/{contact.pk}/case", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_raised"


# --- 核验 ----------------------------------------------------------------------------------------------


def test_the_liaison_confirms_a_visit_on_the_page(served: Any, login: Any) -> None:
    net = served
    contact = do_log_contact(
        acting_user=net.township_officer, data=ContactInput(enterprise_id=net.general.pk, **visit())
    )
    liaison = login(net.world.enterprise_user)
    page = liaison.get("/network/enterprise/").content.decode()
    assert 'data-testid="pending-visit"' in page
    detail = liaison.get(f"/network/contacts/{contact.pk}/").content.decode()
    assert 'data-testid="verify-form"' in detail
    response = liaison.post(f"/network/contacts/{contact.pk}/", {"action": "confirm"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.verification == Verification.CONFIRMED and contact.verified_by == net.world.enterprise_user
    assert AuditEvent.objects.filter(action="network.visit_confirm", object_id=str(contact.pk)).exists()
    again = liaison.post(
        f"{API}/contacts/{contact.pk}/verification",
        {"decision": "dispute", "note": "x"},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "already_verified"


def test_a_dispute_needs_a_reason_and_is_flagged(served: Any, login: Any) -> None:
    net = served
    contact = do_log_contact(
        acting_user=net.township_officer, data=ContactInput(enterprise_id=net.general.pk, **visit())
    )
    liaison = login(net.world.enterprise_user)
    bare = liaison.post(
        f"{API}/contacts/{contact.pk}/verification", {"decision": "dispute"}, content_type="application/json"
    )
    assert bare.status_code == 400 and bare.json()["code"] == "dispute_reason_required"
    disputed = liaison.post(
        f"{API}/contacts/{contact.pk}/verification",
        {"decision": "dispute", "note": "当天无人到企业走访"},
        content_type="application/json",
    )
    assert disputed.status_code == 200 and disputed.json()["verification"] == "disputed"
    assert OutboxMessage.objects.filter(
        recipient=net.township_officer, subject__contains="核验有异议"
    ).exists()
    results = login(net.world.biz_office).get("/network/verification/").content.decode()
    assert net.general.name in results and 'class="bb-row-error"' in results
    api = login(net.world.biz_office).get(f"{API}/verification-results").json()
    assert api == [{"region_code": "321322", "region_name": "沭阳县", "counts": {"disputed": 1}}]


def test_only_the_named_liaison_verifies(served: Any, login: Any) -> None:
    from bangban.accounts.roles import Role
    from bangban.conftest import make_user

    net = served
    contact = do_log_contact(
        acting_user=net.township_officer, data=ContactInput(enterprise_id=net.general.pk, **visit())
    )
    colleague = make_user("ent_sy2", Role.ENTERPRISE, enterprise=net.general)
    response = login(colleague).post(
        f"{API}/contacts/{contact.pk}/verification", {"decision": "confirm"}, content_type="application/json"
    )
    assert response.status_code == 403
    officer = login(net.township_officer).post(
        f"{API}/contacts/{contact.pk}/verification", {"decision": "confirm"}, content_type="application/json"
    )
    assert officer.status_code == 403
    other = login(net.world.handler_siyang).get(f"{API}/contacts/{contact.pk}")
    assert other.status_code == 404


def test_the_sms_link_confirms_without_logging_in(served: Any, client: Any, settings: Any) -> None:
    net = served
    settings.BANGBAN_SITE_URL = "https://bangban.suqian.gov.cn"
    contact = do_log_contact(
        acting_user=net.township_officer, data=ContactInput(enterprise_id=net.general.pk, **visit())
    )
    sms = OutboxMessage.objects.get(channel="sms")
    # The texted link is absolute, on the configured site address (a bare path leads nowhere).
    match = re.search(r"确认或提出异议：(https://bangban\.suqian\.gov\.cn(/network/v/[^\s]+/))", sms.body)
    assert match is not None and match.group(1) == verify_url(contact) == sms.link
    page = client.get(match.group(2))
    assert page.status_code == 200 and net.general.name in page.content.decode()
    done = client.post(match.group(2), {"decision": "confirm"})
    assert done.status_code == 200 and 'data-testid="verify-done"' in done.content.decode()
    contact.refresh_from_db()
    assert contact.verification == Verification.CONFIRMED and contact.verification_channel == "sms"
    forged = client.get("/network/v/not-a-token/")
    assert forged.status_code == 404


# --- leaders' visits (R4.1) ----------------------------------------------------------------------------


def test_a_leaders_visit_with_policies_delivered(served: Any, login: Any) -> None:
    net = served
    client = login(net.world.biz_office)
    response = client.post(
        f"{API}/leader-visits",
        {
            "enterprise_id": net.top100.pk,
            "leader_name": "刘副市长",
            "leader_title": "副市长",
            "contact_on": timezone.localdate().isoformat(),
            "summary": "现场办公",
            "policies_delivered": "技改补助政策",
            "raised": "用电增容",
            "raise_case": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_leader_visit"] and body["policies_delivered"] == "技改补助政策" and body["ticket_number"]
    missing = client.post(
        f"{API}/leader-visits",
        {
            "enterprise_id": net.top100.pk,
            "leader_name": "刘副市长",
            "contact_on": "2026-01-05",
            "summary": "x",
        },
        content_type="application/json",
    )
    assert missing.status_code == 400 and missing.json()["code"] == "delivered_required"
    assert AuditEvent.objects.filter(action="network.leader_visit").count() == 1
