"""The public pages ask for a phone number only after the 个人信息保护告知 is accepted (PIPL), record
which version was accepted, and let a verified visitor find the enterprise in the register so the
case is linked to it."""

from __future__ import annotations

import pytest
from django.test import Client

from bangban.audit.models import AuditEvent
from bangban.core.errors import ValidationFailed
from bangban.enterprises.models import Enterprise
from bangban.tickets.intake import do_send_phone_code
from bangban.tickets.models import PhoneVerification, Ticket
from bangban.tickets.privacy import NOTICE_VERSION

from .test_intake_mayor import PHONE, URL, _submit, verified_client

LOOKUP = "/cases/intake/mayor/enterprises/"


def test_no_code_is_sent_without_consent_to_the_notice(cases):
    client = Client()
    refused = client.post(URL, {"step": "send_code", "phone": PHONE})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'data-testid="error-privacy-consent"' in page and "个人信息保护告知" in page
    assert not PhoneVerification.objects.exists()
    stale = client.post(URL, {"step": "send_code", "privacy_consent": "2000-01", "phone": PHONE})
    assert stale.status_code == 400 and not PhoneVerification.objects.exists()

    assert (
        client.post(URL, {"step": "send_code", "privacy_consent": NOTICE_VERSION, "phone": PHONE}).status_code
        == 200
    )
    verification = PhoneVerification.objects.get()
    assert verification.privacy_notice == NOTICE_VERSION
    event = AuditEvent.objects.get(action="tickets.phone_code_sent")
    assert (event.after or {})["privacy_notice"] == NOTICE_VERSION


def test_the_action_refuses_without_consent(cases):
    with pytest.raises(ValidationFailed) as exc:
        do_send_phone_code(privacy_notice="", phone=PHONE)
    assert exc.value.code == "privacy_consent_required"
    assert not PhoneVerification.objects.exists()


def test_the_notice_is_public_and_names_the_processor(cases, settings):
    settings.BANGBAN_PRIVACY_PROCESSOR = "宿迁市营商环境建设办公室"
    page = Client().get("/cases/intake/privacy/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "个人信息保护告知" in text and "宿迁市营商环境建设办公室" in text and NOTICE_VERSION in text
    form = Client().get(URL).content.decode()
    assert 'href="/cases/intake/privacy/"' in form and 'name="privacy_consent"' in form


def test_the_enterprise_lookup_needs_a_verified_phone(cases):
    assert Client().get(LOOKUP, {"q": "泗阳"}).status_code == 403


def test_a_verified_visitor_finds_active_registered_enterprises(cases):
    Enterprise.objects.filter(pk=cases.ent_shuyang.pk).update(is_active=False)
    client = verified_client()
    by_name = client.get(LOOKUP, {"q": "泗阳示例"}).content.decode()
    assert cases.ent_siyang.name in by_name and cases.ent_siyang.uscc in by_name
    by_code = client.get(LOOKUP, {"q": cases.ent_siyang.uscc[:10].lower()}).content.decode()
    assert cases.ent_siyang.name in by_code
    inactive = client.get(LOOKUP, {"q": cases.ent_shuyang.name}).content.decode()
    assert cases.ent_shuyang.uscc not in inactive and 'data-testid="public-enterprise-none"' in inactive
    assert 'data-testid="public-enterprise-option"' not in client.get(LOOKUP, {"q": "泗"}).content.decode()


def test_a_case_naming_a_registered_enterprise_exactly_is_linked_to_it(cases):
    client = verified_client()
    assert _submit(client, enterprise_name=cases.ent_siyang.name).status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.enterprise == cases.ent_siyang and ticket.enterprise_uscc == cases.ent_siyang.uscc


def test_a_case_naming_an_unknown_enterprise_keeps_the_typed_name(cases):
    client = verified_client()
    assert _submit(client, enterprise_name="宿迁某新材料有限公司").status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.enterprise is None and ticket.enterprise_name == "宿迁某新材料有限公司"
