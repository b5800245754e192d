"""送政策 (R4.1, R13.1): the library of 惠企政策, pushes to the enterprises its tags match, read
receipts, and questions back as cases.

A push is set-based: the matching enterprises are selected in SQL and the deliveries written with
`bulk_create` in batches; the enterprises' users are told in-app and by SMS through the outbox.
`run_push` delivers a push; it is started by `pushes.do_push_policy`, which runs a small push inside
the request and queues a larger one as the background task `tasks.run_policy_push_task`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import diff, record, snapshot
from bangban.core import kit
from bangban.core.errors import PermissionDenied
from bangban.core.kit import durable_action
from bangban.enterprises.models import Enterprise, Industry, Scale, Tier
from bangban.notifications.actions import notify_users
from bangban.org.models import Region, Unit
from bangban.tickets.intake import IntakeInput, do_intake_portal
from bangban.tickets.models import Category, TicketType

from . import checks, workflow
from .access import access_delivery, access_policy, can_manage_policies, is_enterprise_user
from .models import Policy, PolicyDelivery, PolicyPush, PolicyQuestion, PushStatus

ACTION_LABELS = {
    "outreach.policy_created": "录入惠企政策",
    "outreach.policy_updated": "修改惠企政策",
    "outreach.policy_pushed": "推送惠企政策",
    "outreach.policy_push_finished": "政策推送完成",
    "outreach.policy_read": "企业阅读政策",
    "outreach.policy_question": "企业就政策提问",
}

BATCH_SIZE = 1000


def _tags(data: dict[str, Any], name: str, label: str, allowed: set[str]) -> list[str]:
    raw = data.get(name) or []
    if isinstance(raw, str):
        raw = [v for v in raw.replace("，", ",").split(",")]
    values = sorted({str(v).strip() for v in raw if str(v).strip()})
    bad = [v for v in values if v not in allowed]
    if bad:
        raise checks.fail(name, f"invalid_{name}", f"{label}“{bad[0][:20]}”无效")
    return values


def _keywords(data: dict[str, Any]) -> list[str]:
    """关联关键词: a list, or one text separated by commas or 、; each 2–30 characters, at most 20."""
    raw = data.get("keywords") or []
    if isinstance(raw, str):
        raw = raw.replace("，", ",").replace("、", ",").replace("\n", ",").split(",")
    words = list(dict.fromkeys(str(v).strip() for v in raw if str(v).strip()))
    if len(words) > 20:
        raise checks.fail("keywords", "invalid_keywords", "关联关键词最多 20 个")
    bad = [w for w in words if not 2 <= len(w) <= 30]
    if bad:
        raise checks.fail("keywords", "invalid_keywords", f"关联关键词“{bad[0][:30]}”应为 2–30 个字")
    return words


def active_region_codes() -> set[str]:
    return set(Region.objects.filter(is_active=True).values_list("code", flat=True))


def _clean_policy(data: dict[str, Any], *, regions: set[str] | None = None) -> dict[str, Any]:
    """`regions`: the active region codes when the caller already has them (bulk import)."""
    region_codes = _tags(
        data, "region_codes", "适用区划", regions if regions is not None else active_region_codes()
    )
    issuer_id = checks.optional_int(data, "issuer_id", "发布单位")
    issuer = None
    if issuer_id is not None:
        issuer = Unit.objects.filter(pk=issuer_id).first()
        if issuer is None:
            raise checks.fail("issuer_id", "unknown_unit", "发布单位不存在")
    url = checks.text(data, "url", "原文链接", max_length=200, required=False)
    if url and not url.startswith(("http://", "https://")):
        raise checks.fail("url", "invalid_url", "原文链接应以 http:// 或 https:// 开头")
    published_on = checks.optional_date(data, "published_on", "发布日期")
    valid_until = checks.optional_date(data, "valid_until", "有效期至")
    if published_on and valid_until and valid_until < published_on:
        raise checks.fail("valid_until", "invalid_valid_until", "有效期不能早于发布日期")
    return {
        "title": checks.text(data, "title", "政策名称", max_length=160),
        "doc_number": checks.text(data, "doc_number", "文号", max_length=60, required=False),
        "summary": checks.text(data, "summary", "政策要点", max_length=5000),
        "body": checks.text(data, "body", "政策正文", max_length=50000, required=False),
        "url": url,
        "issuer": issuer,
        "published_on": published_on,
        "valid_until": valid_until,
        "industries": _tags(data, "industries", "适用行业", set(Industry.values)),
        "scales": _tags(data, "scales", "适用规模", set(Scale.values)),
        "tiers": _tags(data, "tiers", "适用层级", set(Tier.values)),
        "region_codes": region_codes,
        "keywords": _keywords(data),
    }


@durable_action
def do_create_policy(*, acting_user: User, data: dict[str, Any]) -> Policy:
    if not can_manage_policies(acting_user):
        raise PermissionDenied("只有营商办或单位负责人可以维护和推送惠企政策")
    values = _clean_policy(data)
    policy = Policy.objects.create(created_by=acting_user, **values)
    record("outreach.policy_created", actor=acting_user, obj=policy, after=snapshot(policy))
    return policy


@durable_action
def do_update_policy(*, acting_user: User, policy_id: int, version: Any, data: dict[str, Any]) -> Policy:
    values = _clean_policy(data)
    policy = access_policy(acting_user, policy_id, "edit", for_update=True)
    kit.check_version(policy, version, what="政策", required=True)
    before = snapshot(policy, exclude=("updated_at",))
    for name, value in values.items():
        setattr(policy, name, value)
    if "is_active" in data:
        policy.is_active = bool(data["is_active"])
    policy.version += 1
    policy.save()
    b, a = diff(before, snapshot(policy, exclude=("updated_at",)))
    record("outreach.policy_updated", actor=acting_user, obj=policy, before=b, after=a)
    return policy


def matching_enterprises(policy: Policy, scope_path: str = "") -> QuerySet[Enterprise]:
    """Active enterprises the policy's tags match, inside `scope_path` ("" = the whole city)."""
    qs = Enterprise.objects.filter(is_active=True)
    if scope_path:
        qs = qs.filter(region__path__startswith=scope_path)
    if policy.industries:
        qs = qs.filter(industry__in=policy.industries)
    if policy.scales:
        qs = qs.filter(scale__in=policy.scales)
    if policy.tiers:
        qs = qs.filter(tier__in=policy.tiers)
    if policy.region_codes:
        paths = list(Region.objects.filter(code__in=policy.region_codes).values_list("path", flat=True))
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(region__path__startswith=path)
        qs = qs.filter(q)
    return qs


def run_push(push_id: int, *, now: dt.datetime | None = None) -> PolicyPush:
    """Deliver a push in batches; each batch commits with its progress, so a page can follow it
    and a rerun continues where the last one stopped (deliveries are unique per enterprise)."""
    now = now or timezone.now()
    push = PolicyPush.objects.select_related("policy").get(pk=push_id)
    if push.status == PushStatus.DONE:
        return push
    PolicyPush.objects.filter(pk=push.pk).update(status=workflow.PUSH.check(push.status, "run"))
    policy = push.policy
    link_base = reverse("outreach:my_policies")
    try:
        ids = list(
            matching_enterprises(policy, push.scope_path)
            .exclude(pk__in=PolicyDelivery.objects.filter(policy=policy).values("enterprise_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # A rerun (the worker that ran it was lost) goes on from the committed progress: each
        # batch commits its deliveries, their messages and the counters together.
        processed = push.processed
        delivered = push.delivered
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start : start + BATCH_SIZE]
            with transaction.atomic():
                PolicyDelivery.objects.bulk_create(
                    [
                        PolicyDelivery(policy=policy, push=push, enterprise_id=eid, delivered_at=now)
                        for eid in chunk
                    ],
                    ignore_conflicts=True,
                    batch_size=BATCH_SIZE,
                )
                new_ids = set(
                    PolicyDelivery.objects.filter(push=push, enterprise_id__in=chunk).values_list(
                        "enterprise_id", flat=True
                    )
                )
                channels = ("inapp", "sms") if push.send_sms else ("inapp",)
                users = User.objects.filter(
                    enterprise_id__in=new_ids, is_active=True, roles__code=Role.ENTERPRISE
                ).distinct()
                # One INSERT for the chunk's messages; each enterprise is delivered once (the
                # unique delivery row above), so its users are told once.
                notify_users(
                    users,
                    f"惠企政策：{policy.title}",
                    (policy.summary[:120] + ("…" if len(policy.summary) > 120 else "")),
                    link=link_base,
                    channels=channels,
                    now=now,
                )
                processed += len(chunk)
                delivered += len(new_ids)
                PolicyPush.objects.filter(pk=push.pk).update(processed=processed, delivered=delivered)
        with transaction.atomic():
            PolicyPush.objects.filter(pk=push.pk).update(
                status=workflow.PUSH.check(PushStatus.RUNNING, "finish"),
                processed=max(processed, push.total),
                finished_at=timezone.now(),
            )
            push.refresh_from_db()
            record(
                "outreach.policy_push_finished",
                actor=None,
                obj=push,
                object_repr=f"推送：{policy.title}",
                after={"delivered": push.delivered},
            )
    except Exception as exc:
        PolicyPush.objects.filter(pk=push.pk).update(
            status=workflow.PUSH.check(PushStatus.RUNNING, "fail"),
            error=f"推送未完成：{exc}"[:300],
            finished_at=timezone.now(),
        )
        raise
    return push


@durable_action
def do_mark_read(*, acting_user: User, delivery_id: int, now: dt.datetime | None = None) -> PolicyDelivery:
    """The enterprise opened the policy: the first reading is its read receipt."""
    now = now or timezone.now()
    delivery = access_delivery(acting_user, delivery_id, for_update=True)
    if not is_enterprise_user(acting_user) or delivery.read_at is not None:
        return delivery
    delivery.read_at = now
    delivery.read_by = acting_user
    delivery.save(update_fields=["read_at", "read_by"])
    record(
        "outreach.policy_read",
        actor=acting_user,
        obj=delivery,
        object_repr=f"{delivery.enterprise.name}：{delivery.policy.title}",
        after={"read_at": now},
    )
    return delivery


@durable_action
def do_ask_question(
    *, acting_user: User, delivery_id: int, content: str, now: dt.datetime | None = None
) -> PolicyQuestion:
    """A question back about a delivered policy becomes a case (the enterprise portal's intake)."""
    now = now or timezone.now()
    content = checks.text({"content": content}, "content", "问题", max_length=2000)
    if not is_enterprise_user(acting_user):
        raise PermissionDenied("只有收到政策的企业可以就政策提问")
    delivery = access_delivery(acting_user, delivery_id, for_update=True)
    policy = delivery.policy
    category = Category.objects.filter(is_active=True, name="政策解读").order_by("id").first()
    result = do_intake_portal(
        acting_user=acting_user,
        data=IntakeInput(
            title=f"政策咨询：{policy.title}"[:120],
            content=f"{content}\n\n（关于惠企政策《{policy.title}》{('，' + policy.doc_number) if policy.doc_number else ''}）",
            category_id=category.pk if category else None,
            type=TicketType.CONSULT,
        ),
        now=now,
    )
    if delivery.read_at is None:
        delivery.read_at = now
        delivery.read_by = acting_user
        delivery.save(update_fields=["read_at", "read_by"])
    question = PolicyQuestion.objects.create(
        delivery=delivery, content=content, ticket=result.ticket, asked_by=acting_user, asked_at=now
    )
    record(
        "outreach.policy_question",
        actor=acting_user,
        obj=question,
        object_repr=f"{delivery.enterprise.name}：{policy.title}",
        after={"ticket": result.ticket.pk, "number": result.ticket.number},
    )
    return question
