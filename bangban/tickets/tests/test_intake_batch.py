"""`POST /api/v1/cases/batch`: many cases in one request, each treated as `POST /api/v1/cases`
treats one — validated, numbered, routed, linked when repeated, on the timeline, in the audit chain
and announced to the dispatchers — with per-item errors and idempotency keys."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from bangban.audit.models import AuditEvent
from bangban.audit.verify import verify_chain
from bangban.notifications.models import OutboxMessage
from bangban.tickets.models import Ticket, TicketEvent

from .test_intake_api import token_client

URL = "/api/v1/cases/batch"
SINGLE = "/api/v1/cases"


def case(title: str = "厂区周边道路破损", content: str = "厂区门口道路破损严重，货车进出困难。", **fields):
    return {"title": title, "content": content, "category": "1201", **fields}


def post(client, cases, **fields):
    return client.post(URL, {"cases": cases, **fields}, content_type="application/json")


def test_a_batch_files_every_valid_case_and_rejects_the_invalid_ones_each_with_its_code(cases):
    client = token_client(cases.admin, cases.biz_office)
    response = post(
        client,
        [
            case(enterprise_id=cases.ent_shuyang.pk, contact_phone="13800138000"),
            case(title="", content="没有标题的诉求"),
            case(title="电价优惠政策咨询", content="想了解今年工业用电的优惠政策。", category="0202"),
            case(enterprise_id=10**9),
            case(title="稳岗补贴未到账", content="申请的稳岗补贴迟迟没有拨付。", contact_phone="12345"),
        ],
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["replayed"], body["rejected"]) == (2, 0, 3)
    statuses = [(r["index"], r["status"], r["code"]) for r in body["results"]]
    assert statuses == [
        (0, "created", None),
        (1, "rejected", "title_required"),
        (2, "created", None),
        (3, "rejected", "enterprise_out_of_scope"),
        (4, "rejected", "invalid_phone"),
    ]
    assert body["results"][1]["message"] == "请填写标题"
    assert body["results"][4]["details"]["fields"]["contact_phone"].startswith("联系电话格式不正确")
    created = Ticket.objects.order_by("pk")
    assert [t.pk for t in created] == [body["results"][0]["id"], body["results"][2]["id"]]
    numbers = [t.number for t in created]
    assert numbers == [body["results"][0]["number"], body["results"][2]["number"]]
    first_seq = int(numbers[0].rsplit("-", 1)[1])
    assert numbers[0].startswith("JK-") and numbers[1].endswith(f"-{first_seq + 1:04d}")
    for ticket in created:
        assert (
            ticket.channel == "api"
            and ticket.intake_mode == "system"
            and ticket.created_by == cases.biz_office
        )
        assert TicketEvent.objects.filter(ticket=ticket, kind="intake").count() == 1
        assert AuditEvent.objects.filter(action="ticket.intake", object_id=str(ticket.pk)).count() == 1
        assert OutboxMessage.objects.filter(
            recipient=cases.dispatcher, subject=f"新诉求待派单：{ticket.number}"
        ).exists()
    assert verify_chain().ok


def test_a_batch_case_is_the_same_case_the_single_intake_makes(cases):
    client = token_client(cases.admin, cases.biz_office)
    fields = {"enterprise_id": cases.ent_shuyang.pk, "contact_name": "王经理", "contact_phone": "13800138000"}
    single = client.post(SINGLE, case(**fields), content_type="application/json").json()
    batch = post(
        client, [case(title="另一处道路破损", content="仓库门前道路塌陷，叉车无法通行。", **fields)]
    ).json()
    one, other = Ticket.objects.get(pk=single["id"]), Ticket.objects.get(pk=batch["results"][0]["id"])
    same = ["channel", "intake_mode", "type", "urgency", "category_id", "enterprise_id", "region_id"]
    same += [
        "suggested_unit_id",
        "contact_name",
        "contact_phone",
        "status",
        "created_by_id",
        "intake_unit_id",
    ]
    assert {f: getattr(one, f) for f in same} == {f: getattr(other, f) for f in same}
    assert one.suggested_unit_id is not None
    event_one = TicketEvent.objects.get(ticket=one, kind="intake")
    event_other = TicketEvent.objects.get(ticket=other, kind="intake")
    assert event_one.data == event_other.data and event_one.visibility == event_other.visibility
    audit_one = AuditEvent.objects.get(action="ticket.intake", object_id=str(one.pk))
    audit_other = AuditEvent.objects.get(action="ticket.intake", object_id=str(other.pk))
    assert audit_one.after is not None and audit_other.after is not None
    assert set(audit_one.after) == set(audit_other.after)
    assert audit_other.after["number"] == other.number and audit_other.actor_id == cases.biz_office.pk
    recipients = lambda t: set(  # noqa: E731
        OutboxMessage.objects.filter(subject__endswith=t.number).values_list("recipient_id", flat=True)
    )
    assert recipients(one) == recipients(other) and recipients(one)


def test_a_repeated_complaint_is_linked_to_a_stored_case_and_to_an_earlier_item_of_the_batch(cases):
    client = token_client(cases.admin, cases.biz_office)
    text = "我公司新厂区用电报装申请提交后供电公司一直没有安排接电，已近一个月，导致生产线停工。"
    stored = client.post(
        SINGLE,
        case("用电报装迟迟未接电", text, enterprise_id=cases.ent_shuyang.pk),
        content_type="application/json",
    ).json()
    other_text = "企业申报的研发费用加计扣除在电子税务局提交时系统反复报错，无法完成申报，请尽快处理。"
    body = post(
        client,
        [
            case("再次反映用电报装", "再次反映：" + text, enterprise_id=cases.ent_shuyang.pk),
            case("电子税务局故障", other_text, enterprise_id=cases.ent_siyang.pk),
            case("电子税务局仍然报错", "再次反映：" + other_text, enterprise_id=cases.ent_siyang.pk),
            case("电子税务局问题", other_text, enterprise_id=cases.ent_shuyang.pk),
        ],
    ).json()
    results = body["results"]
    assert results[0]["is_repeat"] and results[0]["duplicate_of"] == stored["number"]
    assert results[1]["is_repeat"] is False
    assert results[2]["is_repeat"] and results[2]["duplicate_of"] == results[1]["number"]
    # Another enterprise's text is never a repeat of this one's.
    assert results[3]["is_repeat"] is False
    repeat = Ticket.objects.get(pk=results[2]["id"])
    assert repeat.duplicate_of_id == results[1]["id"]
    assert TicketEvent.objects.filter(ticket_id=results[1]["id"], kind="duplicate_linked").count() == 1
    assert TicketEvent.objects.filter(ticket_id=stored["id"], kind="duplicate_linked").count() == 1
    assert verify_chain().ok


def test_sending_a_batch_again_replays_its_keyed_cases_and_creates_nothing(cases):
    client = token_client(cases.admin, cases.biz_office)
    items = [
        case(idempotency_key="crm-1"),
        case("电价政策咨询", "想了解工业用电优惠。", category="0202", idempotency_key="crm-2"),
    ]
    first = post(client, items).json()
    again = post(client, items).json()
    assert (again["created"], again["replayed"], again["rejected"]) == (0, 2, 0)
    assert [r["id"] for r in again["results"]] == [r["id"] for r in first["results"]]
    assert [r["number"] for r in again["results"]] == [r["number"] for r in first["results"]]
    assert Ticket.objects.count() == 2 and AuditEvent.objects.filter(action="ticket.intake").count() == 2
    # The single-case endpoint sees the same keys.
    single = client.post(SINGLE, items[0], content_type="application/json")
    assert single.status_code == 200 and single.json()["id"] == first["results"][0]["id"]


def test_a_key_reused_with_other_content_is_rejected_inside_and_across_batches(cases):
    client = token_client(cases.admin, cases.biz_office)
    post(client, [case(idempotency_key="crm-1")])
    body = post(
        client,
        [
            case(content="内容已经不同", idempotency_key="crm-1"),
            case("新诉求", "新的内容", idempotency_key="crm-9"),
            case("新诉求", "新的内容", idempotency_key="crm-9"),
            case("又一件", "与上一件同键不同内容", idempotency_key="crm-9"),
        ],
    ).json()
    statuses = [(r["status"], r["code"]) for r in body["results"]]
    assert statuses == [
        ("rejected", "idempotency_conflict"),
        ("created", None),
        ("replayed", None),
        ("rejected", "idempotency_conflict"),
    ]
    assert body["results"][2]["id"] == body["results"][1]["id"]
    assert Ticket.objects.count() == 2


def test_an_empty_an_oversized_and_a_forbidden_batch_are_refused_whole(cases, login):
    client = token_client(cases.admin, cases.biz_office)
    empty = post(client, [])
    assert empty.status_code == 400 and empty.json()["code"] == "batch_empty"
    too_many = post(client, [case(title=f"诉求{i}") for i in range(101)])
    assert too_many.status_code == 400 and too_many.json()["code"] == "batch_too_large"
    assert "每批最多 100 件" in too_many.json()["message"]
    enterprise = login(cases.enterprise_user)
    forbidden = post(enterprise, [case()], channel="api")
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "channel_not_allowed"
    assert Ticket.objects.count() == 0 and not AuditEvent.objects.filter(action="ticket.intake").exists()
    # On the portal an enterprise user's batch is about its own enterprise.
    own = post(enterprise, [case()]).json()
    assert own["created"] == 1
    ticket = Ticket.objects.get(pk=own["results"][0]["id"])
    assert ticket.channel == "portal" and ticket.enterprise == cases.ent_shuyang
    assert ticket.submitter == cases.enterprise_user


def test_the_batch_is_described_in_openapi(cases, login):
    schema = login(cases.admin).get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/cases/batch"]["post"]
    assert operation["summary"] == "批量登记诉求"
    assert "batch_too_large" in operation["description"]


@pytest.mark.django_db(transaction=True)
def test_the_same_batch_sent_twice_at_once_makes_each_case_once(django_db_setup):
    if connection.vendor != "postgresql":
        pytest.skip("several connections writing at once need PostgreSQL")
    from bangban.accounts.roles import Role
    from bangban.conftest import make_user
    from bangban.org.models import Region, RegionLevel, Unit, UnitType
    from bangban.tickets.intake import BatchItem, IntakeInput, do_intake_batch

    city = Region.objects.create(code="321300", name="宿迁市", level=RegionLevel.CITY, path="/321300/")
    unit = Unit.objects.create(code="bo", name="营商办", type=UnitType.CITY_DEPARTMENT, region=city)
    user = make_user("integration", Role.BIZ_OFFICE, unit=unit)
    items = [
        BatchItem(IntakeInput(title=f"诉求{i}", content=f"第{i}件的内容"), f"key-{i}") for i in range(20)
    ]
    results: list = []
    errors: list = []
    barrier = threading.Barrier(3)

    def submit() -> None:
        try:
            barrier.wait()
            results.append(do_intake_batch(acting_user=user, items=items))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Ticket.objects.count() == 20
    assert sum(1 for outcomes in results for o in outcomes if o.status == "created") == 20
    for outcomes in results:
        assert [o.ticket.number for o in outcomes] == [o.ticket.number for o in results[0]]
    assert verify_chain().ok
