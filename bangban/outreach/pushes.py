"""Starting a policy push (送政策, R4.1): the action checks the policy and the pusher's scope, counts
the enterprises to reach and records the `PolicyPush`. Up to `INLINE_LIMIT` enterprises it delivers
in the request; a larger push is queued as the background task `tasks.run_policy_push_task`, whose
progress the push page polls. The delivery itself is `policies.run_push`, which queues nothing."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils import timezone

from bangban.accounts.access import scope_of
from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core.errors import InvalidTransition
from bangban.core.kit import durable_action

from .access import access_policy
from .models import PolicyDelivery, PolicyPush
from .policies import matching_enterprises, run_push
from .tasks import run_policy_push_task

INLINE_LIMIT = 200


@durable_action
def do_push_policy(
    *, acting_user: User, policy_id: int, send_sms: bool = True, now: dt.datetime | None = None
) -> PolicyPush:
    """Push to every matching enterprise in the pusher's scope not reached before."""
    now = now or timezone.now()
    policy = access_policy(acting_user, policy_id, "push", for_update=True)
    if not policy.is_active:
        raise InvalidTransition("该政策已失效，不能推送", code="policy_inactive")
    if policy.valid_until and policy.valid_until < timezone.localtime(now).date():
        raise InvalidTransition("该政策已过有效期，不能推送", code="policy_expired")
    scope = scope_of(acting_user)
    scope_path = "" if scope.city_wide else (scope.region_path or "/none/")
    total = (
        matching_enterprises(policy, scope_path)
        .exclude(pk__in=PolicyDelivery.objects.filter(policy=policy).values("enterprise_id"))
        .count()
    )
    if total == 0:
        raise InvalidTransition(
            "没有可推送的企业：符合条件的企业均已收到该政策，或没有企业符合政策的适用条件",
            code="no_matching_enterprise",
        )
    push = PolicyPush.objects.create(
        policy=policy,
        pushed_by=acting_user,
        scope_path=scope_path,
        send_sms=bool(send_sms),
        total=total,
        created_at=now,
    )
    record(
        "outreach.policy_pushed",
        actor=acting_user,
        obj=push,
        object_repr=f"推送：{policy.title}",
        after={"policy": policy.pk, "total": total, "scope": scope_path or "全市", "sms": bool(send_sms)},
    )
    if total <= INLINE_LIMIT:
        run_push(push.pk, now=now)
    else:
        transaction.on_commit(partial(run_policy_push_task.enqueue, push.pk), robust=True)
    push.refresh_from_db()
    return push
