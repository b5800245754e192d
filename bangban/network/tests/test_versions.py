"""核验 carries the version the liaison read: a decision on a stale copy (the visit changed
meanwhile) is refused with 409 `conflict` / 「记录已被他人修改，请刷新后重试」 and changes nothing."""

from __future__ import annotations

from typing import Any

from bangban.network.actions import ContactInput, do_log_contact
from bangban.network.models import Contact, Verification

from . import test_contacts
from .test_contacts import API, visit

served = test_contacts.served  # the fixture: an officer serves the enterprise, whose user is its liaison


def _visit(net: Any) -> Contact:
    contact = do_log_contact(
        acting_user=net.township_officer, data=ContactInput(enterprise_id=net.general.pk, **visit())
    )
    Contact.objects.filter(pk=contact.pk).update(version=2)  # changed meanwhile
    return contact


def test_a_verification_with_a_stale_version_is_a_409_conflict(served: Any, login: Any) -> None:
    contact = _visit(served)
    liaison = login(served.world.enterprise_user)
    url = f"{API}/contacts/{contact.pk}/verification"
    read = liaison.get(f"{API}/contacts/{contact.pk}").json()
    assert read["version"] == 2
    stale = liaison.post(url, {"decision": "confirm", "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json() == {"code": "conflict", "message": "记录已被他人修改，请刷新后重试"}
    assert Contact.objects.get(pk=contact.pk).verification == Verification.PENDING
    fresh = liaison.post(url, {"decision": "confirm", "version": 2}, content_type="application/json")
    assert fresh.status_code == 200 and fresh.json()["verification"] == "confirmed"
    assert fresh.json()["version"] == 3


def test_the_verify_form_sends_its_version_and_a_stale_one_is_refused(served: Any, login: Any) -> None:
    contact = _visit(served)
    liaison = login(served.world.enterprise_user)
    page = liaison.get(f"/network/contacts/{contact.pk}/").content.decode()
    assert '<input type="hidden" name="version" value="2">' in page
    stale = liaison.post(f"/network/contacts/{contact.pk}/", {"action": "confirm", "version": "1"})
    assert stale.status_code == 409 and "记录已被他人修改，请刷新后重试" in stale.content.decode()
    assert Contact.objects.get(pk=contact.pk).verification == Verification.PENDING
    fresh = liaison.post(f"/network/contacts/{contact.pk}/", {"action": "confirm", "version": "2"})
    assert fresh.status_code == 302
    assert Contact.objects.get(pk=contact.pk).verification == Verification.CONFIRMED
