"""R3.2, the enterprise's side: it names one 工作联络员, sees its officer, contacts, visits and cases,
and rates its officer's service. Plus the demo data and the periodic jobs."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bangban.accounts.roles import Role
from bangban.audit.models import AuditEvent
from bangban.conftest import make_user
from bangban.enterprises.models import Enterprise
from bangban.network.actions import ContactInput, do_assign, do_log_contact
from bangban.network.models import Liaison, OfficerRating
from bangban.notifications.models import OutboxMessage

API = "/api/v1/network"


def test_the_enterprise_names_its_liaison(net: Any, login: Any) -> None:
    colleague = make_user("ent_sy2", Role.ENTERPRISE, enterprise=net.general, full_name="赵联络")
    client = login(net.world.enterprise_user)
    response = client.post(
        "/network/enterprise/", {"action": "liaison", "user": colleague.pk, "phone": "138 2222 3333"}
    )
    assert response.status_code == 302
    assert Liaison.objects.get(enterprise=net.general).user == colleague
    assert AuditEvent.objects.filter(action="network.liaison_name").count() == 1
    # Someone of another enterprise cannot be named.
    stranger = make_user("ent_sq", Role.ENTERPRISE, enterprise=net.siyang_general)
    refused = client.put(
        f"{API}/enterprise/liaison", {"user_id": stranger.pk}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "liaison_invalid"
    assert Liaison.objects.get(enterprise=net.general).user == colleague
    staff = login(net.world.biz_office).put(
        f"{API}/enterprise/liaison", {"user_id": colleague.pk}, content_type="application/json"
    )
    assert staff.status_code == 403


def test_naming_the_liaison_updates_the_registry(net: Any, login: Any) -> None:
    """The registry's 工作联络员 and 联络员手机 follow the liaison the enterprise names, and the
    核验 SMS goes to that number."""
    enterprise = net.general
    enterprise.liaison_id_number = "110101199003077777"
    enterprise.save()
    version = Enterprise.objects.get(pk=enterprise.pk).version
    colleague = make_user(
        "ent_sy2", Role.ENTERPRISE, enterprise=enterprise, full_name="赵联络", phone="13822223333"
    )
    client = login(net.world.enterprise_user)
    named = client.put(
        f"{API}/enterprise/liaison", {"user_id": colleague.pk}, content_type="application/json"
    )
    assert named.status_code == 200
    registry = Enterprise.objects.get(pk=enterprise.pk)
    assert (registry.liaison_name, registry.liaison_phone) == ("赵联络", "13822223333")
    assert registry.liaison_id_number == ""  # the former liaison's, not 赵联络's
    assert registry.version == version + 1
    event = AuditEvent.objects.get(action="network.liaison_registry_sync")
    assert event.object_id == str(enterprise.pk)
    before, after = event.before or {}, event.after or {}
    assert before["liaison_name"] == "张三" and before["liaison_phone"] == "13812345678"
    assert after["liaison_phone"] == "13822223333"
    page = client.get("/network/enterprise/").content.decode()
    assert "企业库登记：赵联络 · 13822223333" in page

    # A number given when naming wins over the account's; naming the same again changes nothing.
    client.put(
        f"{API}/enterprise/liaison",
        {"user_id": colleague.pk, "phone": "+86 139-0000-5555"},
        content_type="application/json",
    )
    assert Enterprise.objects.get(pk=enterprise.pk).liaison_phone == "13900005555"
    client.put(
        f"{API}/enterprise/liaison",
        {"user_id": colleague.pk, "phone": "13900005555"},
        content_type="application/json",
    )
    assert AuditEvent.objects.filter(action="network.liaison_registry_sync").count() == 2

    # The visit's 核验 SMS goes to the registry's (now the liaison's) number.
    do_assign(acting_user=net.world.admin, enterprise_id=enterprise.pk, officer_id=net.township_officer.pk)
    do_log_contact(
        acting_user=net.township_officer,
        data=ContactInput(
            enterprise_id=enterprise.pk, kind="visit", contact_on=timezone.localdate(), summary="走访"
        ),
    )
    sms = OutboxMessage.objects.get(channel="sms", dedupe_key__startswith="network.verify:")
    assert sms.address == "13900005555"


def test_naming_a_liaison_without_a_usable_mobile_is_refused(net: Any, login: Any) -> None:
    enterprise = net.general
    colleague = make_user("ent_sy2", Role.ENTERPRISE, enterprise=enterprise, full_name="赵联络")
    client = login(net.world.enterprise_user)
    missing = client.put(
        f"{API}/enterprise/liaison", {"user_id": colleague.pk}, content_type="application/json"
    )
    assert missing.status_code == 400 and missing.json()["code"] == "liaison_phone_required"
    assert "请填写工作联络员的手机号码" in missing.json()["message"]
    bad = client.put(
        f"{API}/enterprise/liaison",
        {"user_id": colleague.pk, "phone": "0527-84361234"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "liaison_phone_invalid"
    assert "应为11位手机号码" in bad.json()["message"]
    page = client.post("/network/enterprise/", {"action": "liaison", "user": colleague.pk, "phone": "12345"})
    assert page.status_code == 400
    assert 'data-testid="liaison-phone-error"' in page.content.decode()
    # Nothing changed: no liaison, the registry as it was, no audit.
    assert not Liaison.objects.filter(enterprise=enterprise).exists()
    registry = Enterprise.objects.get(pk=enterprise.pk)
    assert (registry.liaison_name, registry.liaison_phone) == ("张三", "13812345678")
    assert not AuditEvent.objects.filter(action__startswith="network.liaison").exists()


def test_the_enterprise_page_shows_its_officer_contacts_and_cases(net: Any, login: Any) -> None:
    client = login(net.world.enterprise_user)
    empty = client.get("/network/enterprise/").content.decode()
    assert 'data-testid="no-officer"' in empty and "暂无联系走访记录" in empty
    do_assign(acting_user=net.world.admin, enterprise_id=net.general.pk, officer_id=net.township_officer.pk)
    do_log_contact(
        acting_user=net.township_officer,
        data=ContactInput(
            enterprise_id=net.general.pk,
            kind="visit",
            contact_on=timezone.localdate(),
            summary="走访",
            raised="招工难",
            raise_case=True,
            case_title="招工难",
        ),
    )
    page = client.get("/network/enterprise/").content.decode()
    assert "张干事" in page and 'data-testid="contact-row"' in page and "招工难" in page
    # The contacts of another enterprise stay invisible.
    other = login(make_user("ent_sq", Role.ENTERPRISE, enterprise=net.siyang_general))
    assert "张干事" not in other.get("/network/enterprise/").content.decode()
    assert other.get(f"{API}/contacts").json()["count"] == 0


def test_rating_the_officer(net: Any, login: Any) -> None:
    client = login(net.world.enterprise_user)
    none = client.post(f"{API}/enterprise/ratings", {"level": 1}, content_type="application/json")
    assert none.status_code == 400 and none.json()["code"] == "no_officer"
    do_assign(acting_user=net.world.admin, enterprise_id=net.general.pk, officer_id=net.township_officer.pk)
    bad = client.post(f"{API}/enterprise/ratings", {"level": 5}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "comment_required"
    invalid = client.post(f"{API}/enterprise/ratings", {"level": 9}, content_type="application/json")
    assert invalid.status_code == 400 and invalid.json()["code"] == "invalid_level"
    ok = client.post("/network/enterprise/", {"action": "rate", "level": "2", "comment": "响应及时"})
    assert ok.status_code == 302
    rating = OfficerRating.objects.get()
    assert rating.officer == net.township_officer and rating.level == 2
    again = client.post(f"{API}/enterprise/ratings", {"level": 1}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_rated"
    assert OfficerRating.objects.count() == 1


def test_jobs_are_registered() -> None:
    from bangban.core.scheduler import registered_jobs

    jobs = registered_jobs()
    assert {"network.remind_monthly_contacts", "network.remind_quarterly_visits"} <= set(jobs)


def test_navigation_entries(net: Any, login: Any) -> None:
    assert "帮办走访" in login(net.city_officer).get("/").content.decode()
    assert "帮办网络" in login(net.world.biz_office).get("/").content.decode()
    assert "帮办服务" in login(net.world.enterprise_user).get("/").content.decode()
    assert login(net.world.enterprise_user).get("/network/").url.endswith("/network/enterprise/")
