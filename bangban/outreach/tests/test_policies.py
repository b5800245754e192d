"""送政策 (R4.1, R13.1): the library with tags, pushes to matching enterprises (set-based, in the
background when large, with progress), read receipts, and questions back as cases."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import load_workbook

from bangban.accounts.roles import Role
from bangban.audit.models import AuditEvent
from bangban.conftest import make_enterprise, make_user
from bangban.enterprises.models import Industry, Tier
from bangban.notifications.models import InAppMessage, OutboxMessage
from bangban.outreach import policies, pushes
from bangban.outreach.models import Policy, PolicyDelivery, PolicyPush, PolicyQuestion, PushStatus
from bangban.tickets.models import Channel, Ticket

from .conftest import API, post


def _policy(client, **overrides):
    body = {
        "title": "制造业智能化改造奖补政策",
        "doc_number": "宿政发〔2026〕8号",
        "summary": "对智能化改造设备投资给予10%补助，单个项目最高500万元。",
        "industries": ["C"],
        **overrides,
    }
    response = post(client, f"{API}/policies", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_policy_tags_are_validated(cast, login):
    client = login(cast.world.biz_office)
    response = post(client, f"{API}/policies", {"title": "x", "summary": "y", "tiers": ["bogus"]})
    assert response.status_code == 400 and response.json()["code"] == "invalid_tiers"
    assert not Policy.objects.exists()


def test_enterprise_users_and_handlers_cannot_keep_the_library(cast, login):
    for user in (cast.world.enterprise_user, cast.world.handler_shuyang):
        response = post(login(user), f"{API}/policies", {"title": "x", "summary": "y"})
        assert response.status_code == 403


def test_push_reaches_matching_enterprises_only(cast, login):
    w = cast.world
    food = make_enterprise("泗阳食品二厂", w.siyang, "321323", 3, industry=Industry.C, tier=Tier.CITY_TOP100)
    make_enterprise("泗阳物流公司", w.siyang, "321323", 4, industry=Industry.G)
    client = login(w.biz_office)
    policy = _policy(client, tiers=["general"])
    response = post(client, f"{API}/policies/{policy['id']}/push", {"send_sms": True})
    assert response.status_code == 202, response.content
    push = response.json()
    assert (push["status"], push["total"], push["delivered"]) == ("done", 2, 2)
    delivered = set(PolicyDelivery.objects.values_list("enterprise__name", flat=True))
    assert delivered == {"沭阳示例纺织有限公司", "泗阳示例食品有限公司"}
    assert food.name not in delivered
    # the enterprise's user: in-app and SMS
    channels = set(
        OutboxMessage.objects.filter(recipient=w.enterprise_user).values_list("channel", flat=True)
    )
    assert channels == {"inapp", "sms"}
    assert AuditEvent.objects.filter(action="outreach.policy_pushed").count() == 1
    # a second push reaches nobody new
    again = post(client, f"{API}/policies/{policy['id']}/push", {})
    assert again.status_code == 409 and again.json()["code"] == "no_matching_enterprise"
    assert PolicyDelivery.objects.count() == 2


def test_region_tag_and_pusher_scope(cast, login):
    w = cast.world
    head = make_user("sy_head", Role.UNIT_HEAD, unit=w.shuyang_gov)
    policy = _policy(login(w.biz_office))
    response = post(login(head), f"{API}/policies/{policy['id']}/push", {"send_sms": False})
    assert response.json()["total"] == 1
    assert list(PolicyDelivery.objects.values_list("enterprise_id", flat=True)) == [w.ent_shuyang.pk]
    regional = _policy(login(w.biz_office), title="泗阳县专项政策", region_codes=["321323"], industries=[])
    assert policies.matching_enterprises(Policy.objects.get(pk=regional["id"])).get() == w.ent_siyang


def test_large_push_runs_in_the_background_with_progress(
    cast, login, monkeypatch, django_capture_on_commit_callbacks
):
    w = cast.world
    for n in range(5):
        make_enterprise(f"沭阳配套{n}厂", w.shuyang, "321322", 20 + n)
    monkeypatch.setattr(pushes, "INLINE_LIMIT", 2)
    monkeypatch.setattr(policies, "BATCH_SIZE", 2)
    client = login(w.biz_office)
    policy = _policy(client)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        push = post(client, f"{API}/policies/{policy['id']}/push", {}).json()
    assert push["status"] == "queued" and push["total"] == 7
    assert not PolicyDelivery.objects.exists()
    html = client.get(f"/outreach/pushes/{push['id']}/").content.decode()
    assert "hx-trigger" in html and "排队中" in html
    for callback in callbacks:
        callback()  # the task (immediate backend in tests)
    done = client.get(f"{API}/pushes/{push['id']}").json()
    assert (done["status"], done["processed"], done["delivered"], done["percent"]) == ("done", 7, 7, 100)
    assert PolicyDelivery.objects.count() == 7
    assert "hx-trigger" not in client.get(f"/outreach/pushes/{push['id']}/").content.decode()


def test_run_push_is_resumable(cast, login):
    client = login(cast.world.biz_office)
    policy = Policy.objects.get(pk=_policy(client)["id"])
    push = PolicyPush.objects.create(
        policy=policy, pushed_by=cast.world.biz_office, total=2, created_at=policy.created_at
    )
    policies.run_push(push.pk)
    policies.run_push(push.pk)
    assert PolicyDelivery.objects.count() == 2
    assert PolicyPush.objects.get(pk=push.pk).status == PushStatus.DONE


def test_enterprise_reads_the_policy_and_the_receipt_shows(cast, login):
    w = cast.world
    staff = login(w.biz_office)
    policy = _policy(staff)
    post(staff, f"{API}/policies/{policy['id']}/push", {})
    ent = login(w.enterprise_user)
    listing = ent.get("/outreach/my-policies/").content.decode()
    assert "制造业智能化改造奖补政策" in listing and 'data-testid="unread"' in listing
    delivery = PolicyDelivery.objects.get(enterprise=w.ent_shuyang)
    page = ent.get(f"/outreach/my-policies/{delivery.pk}/").content.decode()
    assert "单个项目最高500万元" in page
    delivery.refresh_from_db()
    assert delivery.read_at is not None and delivery.read_by == w.enterprise_user
    assert AuditEvent.objects.filter(action="outreach.policy_read").count() == 1
    ent.get(f"/outreach/my-policies/{delivery.pk}/")
    assert AuditEvent.objects.filter(action="outreach.policy_read").count() == 1
    receipts = staff.get(f"/outreach/policies/{policy['id']}/?read=1").content.decode()
    assert "沭阳示例纺织有限公司" in receipts and "泗阳示例食品有限公司" not in receipts
    # another enterprise's delivery is not found
    other = PolicyDelivery.objects.get(enterprise=w.ent_siyang)
    assert ent.get(f"/outreach/my-policies/{other.pk}/").status_code == 404
    assert post(ent, f"{API}/deliveries/{other.pk}/read", {}).status_code == 404


def test_question_back_becomes_a_case(cast, login):
    w = cast.world
    staff = login(w.biz_office)
    policy = _policy(staff)
    post(staff, f"{API}/policies/{policy['id']}/push", {})
    delivery = PolicyDelivery.objects.get(enterprise=w.ent_shuyang)
    ent = login(w.enterprise_user)
    empty = post(ent, f"{API}/deliveries/{delivery.pk}/questions", {"content": " "})
    assert empty.status_code == 400 and empty.json()["code"] == "content_required"
    response = post(ent, f"{API}/deliveries/{delivery.pk}/questions", {"content": "二手设备是否计入投资额？"})
    assert response.status_code == 201
    ticket = Ticket.objects.get(pk=response.json()["ticket_id"])
    assert ticket.channel == Channel.PORTAL and ticket.enterprise == w.ent_shuyang
    assert ticket.submitter == w.enterprise_user
    assert "制造业智能化改造奖补政策" in ticket.content
    assert PolicyQuestion.objects.get().ticket == ticket
    assert post(staff, f"{API}/deliveries/{delivery.pk}/questions", {"content": "x"}).status_code == 403


def test_policy_pages_list_filter_export_and_empty(cast, login):
    client = login(cast.world.biz_office)
    assert "暂无惠企政策" in client.get("/outreach/policies/").content.decode()
    _policy(client)
    assert "制造业智能化改造奖补政策" in client.get("/outreach/policies/?industry=C").content.decode()
    assert "没有符合条件" in client.get("/outreach/policies/?industry=G").content.decode()
    response = client.get("/outreach/policies/export.xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active["A2"].value == "制造业智能化改造奖补政策"
    assert login(cast.world.enterprise_user).get("/outreach/policies/").status_code == 302


def test_policy_create_page_shows_errors_next_to_fields(cast, login):
    client = login(cast.world.biz_office)
    response = client.post("/outreach/policies/new/", {"title": "", "summary": "要点"})
    assert response.status_code == 400
    assert 'data-testid="error-title"' in response.content.decode()
    response = client.post(
        "/outreach/policies/new/", {"title": "稳岗补贴", "summary": "要点", "tiers": ["general"]}
    )
    assert response.status_code == 302
    assert Policy.objects.get().tiers == ["general"]


def test_push_notification_lands_in_the_inbox(cast, login):
    staff = login(cast.world.biz_office)
    policy = _policy(staff)
    post(staff, f"{API}/policies/{policy['id']}/push", {"send_sms": False})
    from bangban.notifications.delivery import deliver_due

    deliver_due(timezone.now())
    assert InAppMessage.objects.filter(user=cast.world.enterprise_user, subject__contains="惠企政策").exists()


def test_policy_update_checks_the_version(cast, login):
    import json

    client = login(cast.world.biz_office)
    policy = _policy(client)
    body = {
        "version": 1,
        "title": "制造业智能化改造奖补政策（修订）",
        "doc_number": "宿政发〔2026〕8号",
        "summary": "补助比例提高到15%",
        "industries": ["C"],
    }
    ok = client.put(f"{API}/policies/{policy['id']}", json.dumps(body), content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.put(f"{API}/policies/{policy['id']}", json.dumps(body), content_type="application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    event = AuditEvent.objects.get(action="outreach.policy_updated")
    assert set(event.after or {}) == {"title", "summary", "version"}
