"""The load test's steps that run inside Django (with the production settings of run.py):

    python benchmarks/load/django_side.py seed  OUT.json   # accounts, tokens, devices for locust
    python benchmarks/load/django_side.py check RECORD.jsonl  # integrity after the run
    python benchmarks/load/django_side.py drained          # exit 0 when no task/message waits

`seed` runs after `load_demo_city`: it gives the demo hotline agent, dispatcher, handler, unit
head and 营商办 an API token each, adds ENTERPRISE_USERS enterprise accounts (one per demo
enterprise, so that portal cases spread over enterprises as they do in a city) with a token each,
and registers COUNTER_DEVICES counter devices (评价器) at the demo service site. Everything the
load generator needs is written to OUT.json (tokens and device keys are shown only once).

`check` compares what the load generator recorded (every 201/200 it got, one JSON line each)
with the database: see `check()`.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import json  # noqa: E402
import os  # noqa: E402
from collections import Counter  # noqa: E402
from typing import Any  # noqa: E402

ENTERPRISE_USERS = 40
COUNTER_DEVICES = 4
CASE_KEY_PREFIX = "load-"  # idempotency keys of the load generator's cases
RATING_REF_PREFIX = "LD-"  # event_ref of its device ratings


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
    import django

    django.setup()


def seed(out: Path) -> None:
    setup()
    from bangban.accounts.actions import do_create_token
    from bangban.accounts.models import RoleRecord, User
    from bangban.accounts.roles import Role
    from bangban.enterprises.models import Enterprise
    from bangban.org.models import Unit
    from bangban.ratings.actions.devices import do_create_device
    from bangban.ratings.models import Window

    def token(username: str) -> str:
        user = User.objects.get(username=username)
        return do_create_token(acting_user=None, user_id=user.pk, name="load test")[1]

    enterprise_role = RoleRecord.objects.get(code=Role.ENTERPRISE)
    enterprises = list(Enterprise.objects.order_by("pk")[:ENTERPRISE_USERS])
    enterprise_tokens = []
    for n, enterprise in enumerate(enterprises):
        user, _ = User.objects.get_or_create(
            username=f"load_qiye_{n:02d}",
            defaults={
                "full_name": f"企业联络员{n:02d}",
                "enterprise": enterprise,
                "phone": f"1390000{n:04d}",
            },
        )
        user.roles.set([enterprise_role])
        enterprise_tokens.append(token(user.username))
    site = Unit.objects.get(code="site-shuyang")
    office = User.objects.get(username="yingshangban")
    devices = [
        do_create_device(acting_user=office, site_id=site.pk, name=f"压测评价器{n}")[1]
        for n in range(COUNTER_DEVICES)
    ]
    lead = Unit.objects.get(code="shuyang-approval")
    data: dict[str, Any] = {
        "tokens": {
            name: token(name) for name in ("rexian", "paidan", "chengban_sy", "danwei_sy", "yingshangban")
        },
        "enterprise_tokens": enterprise_tokens,
        "enterprise_ids": list(Enterprise.objects.order_by("pk").values_list("pk", flat=True)),
        "devices": devices,
        "windows": list(Window.objects.filter(site=site, is_active=True).values_list("code", flat=True)),
        "lead_unit_id": lead.pk,
    }
    out.write_text(json.dumps(data, ensure_ascii=False))
    print(
        f"压测账号：{len(enterprise_tokens)} 个企业账号、5 个工作人员令牌、{len(devices)} 台评价器；"
        f"派往 {lead.name}"
    )


def drained() -> int:
    setup()
    from django_tasks_db.models import DBTaskResult

    from bangban.notifications.models import OutboxMessage, OutboxStatus

    tasks = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
    messages = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count()
    print(f"waiting: {tasks} tasks, {messages} outbox messages")
    return 0 if tasks == 0 and messages == 0 else 1


def check(record: Path) -> int:
    """Every case the load generator was told was filed (201, or 200 for a replay) exists exactly
    once, under the key it was sent with, with its "已受理" timeline event and its audit event;
    no case exists under a load key the generator was never told about (a half-answered request);
    every dispatch it was told succeeded left the case dispatched with one dispatch event; every
    device rating it was told was saved (201, or 409 `already_rated` for a resend) exists once and
    no other load rating exists; the dispatchers were told of every case, each message once, and
    every message was delivered. Prints one line per check; the exit status is 1 if any fails."""
    setup()
    from django.db.models import Count

    from bangban.audit.models import AuditEvent
    from bangban.notifications.models import InAppMessage, OutboxMessage, OutboxStatus
    from bangban.ratings.models import Rating
    from bangban.tickets.models import Ticket, TicketEvent

    cases: dict[str, int] = {}  # idempotency key → case id
    dispatched: set[int] = set()
    ratings: set[str] = set()
    for line in record.read_text().splitlines():
        row = json.loads(line)
        if row["kind"] == "case":
            if cases.setdefault(row["key"], row["id"]) != row["id"]:
                print(f"✗ 同一幂等键得到两个诉求：{row['key']}")
                return 1
        elif row["kind"] == "dispatch":
            dispatched.add(row["id"])
        elif row["kind"] == "rating":
            ratings.add(row["ref"])
    failures = 0

    def verdict(ok: bool, text: str) -> None:
        nonlocal failures
        failures += 0 if ok else 1
        print(f"{'✓' if ok else '✗'} {text}")

    rows = list(
        Ticket.objects.filter(idempotency_key__contains=f":{CASE_KEY_PREFIX}").values_list(
            "pk", "idempotency_key"
        )
    )
    by_key = Counter(key.split(":", 1)[1] for _pk, key in rows)
    ids = {pk for pk, _key in rows}
    missing = [k for k in cases if by_key[k] == 0]
    doubled = [k for k, n in by_key.items() if n > 1]
    unknown = [k for k in by_key if k not in cases]
    verdict(
        not missing and not doubled,
        f"诉求：压测端收到成功答复 {len(cases)} 件，库中 {len(rows)} 件；缺失 {len(missing)}，重复 {len(doubled)}",
    )
    verdict(not unknown, f"诉求：库中有而压测端未收到成功答复的（半截请求）{len(unknown)} 件 {unknown[:5]}")
    wrong_id = [k for k, pk in cases.items() if pk not in ids]
    verdict(not wrong_id, f"诉求：答复中的诉求ID与库中一致（不一致 {len(wrong_id)} 件）")
    intake_events = Counter(
        TicketEvent.objects.filter(ticket_id__in=ids, kind="intake").values_list("ticket_id", flat=True)
    )
    no_event = [pk for pk in ids if intake_events[pk] != 1]
    verdict(not no_event, f"诉求：每件恰有一条受理记录（例外 {len(no_event)} 件）")
    audited = Counter(
        int(object_id)
        for object_id in AuditEvent.objects.filter(
            object_type="tickets.ticket", action="ticket.intake", object_id__in=[str(pk) for pk in ids]
        ).values_list("object_id", flat=True)
    )
    no_audit = [pk for pk in ids if audited[pk] != 1]
    verdict(not no_audit, f"诉求：每件恰有一条登记审计事件（例外 {len(no_audit)} 件）")
    dispatch_events = Counter(
        TicketEvent.objects.filter(ticket_id__in=dispatched, kind="dispatch").values_list(
            "ticket_id", flat=True
        )
    )
    undispatched = Ticket.objects.filter(pk__in=dispatched, dispatched_at__isnull=True).count()
    bad_dispatch = [pk for pk in dispatched if dispatch_events[pk] != 1]
    verdict(
        not undispatched and not bad_dispatch,
        f"派单：压测端派出 {len(dispatched)} 件；未派出 {undispatched}，派单记录不是恰好一条的 {len(bad_dispatch)}",
    )
    saved = Counter(
        Rating.objects.filter(subject__event_ref__startswith=RATING_REF_PREFIX).values_list(
            "subject__event_ref", flat=True
        )
    )
    r_missing = [r for r in ratings if saved[r] == 0]
    r_doubled = [r for r, n in saved.items() if n > 1]
    r_unknown = [r for r in saved if r not in ratings]
    verdict(
        not r_missing and not r_doubled and not r_unknown,
        f"评价：压测端收到成功答复 {len(ratings)} 条，库中 {sum(saved.values())} 条；缺失 {len(r_missing)}，"
        f"重复 {len(r_doubled)}，压测端未收到答复的 {len(r_unknown)}",
    )
    links = {f"/cases/{pk}/": pk for pk in ids}
    messages = list(
        OutboxMessage.objects.filter(link__in=links).values_list(
            "pk", "recipient_id", "link", "subject", "status"
        )
    )
    per_case = Counter(links[link] for _pk, _r, link, _s, _st in messages)
    per_recipient = Counter((r, link, s) for _pk, r, link, s, _st in messages)
    unnotified = [pk for pk in ids if per_case[pk] == 0]
    twice = [k for k, n in per_recipient.items() if n > 1]
    unsent = sum(1 for *_rest, status in messages if status != OutboxStatus.SENT)
    verdict(
        not unnotified and not twice,
        f"通知：{len(messages)} 条（每件诉求的派单员通知与派单后的通知）；未通知的诉求 {len(unnotified)} 件，"
        f"同一人同一事重复 {len(twice)} 条",
    )
    inbox = Counter(
        InAppMessage.objects.filter(outbox_id__in=[m[0] for m in messages]).values_list(
            "outbox_id", flat=True
        )
    )
    verdict(
        unsent == 0 and all(inbox[m[0]] == 1 for m in messages if m[4] == OutboxStatus.SENT),
        f"通知：全部已投递（未投递 {unsent} 条），每条在收件箱中恰好一次",
    )
    # The case numbers stay unique under concurrency (a doubled number would also fail the
    # unique index; this shows it in the summary).
    numbers = Ticket.objects.values("number").annotate(n=Count("pk")).filter(n__gt=1).count()
    verdict(numbers == 0, f"诉求编号唯一（重复编号 {numbers} 个）")
    print("结论：完整性检查" + ("通过" if failures == 0 else f"未通过（{failures} 项）"))
    return 0 if failures == 0 else 1


def main() -> int:
    step = sys.argv[1]
    if step == "seed":
        seed(Path(sys.argv[2]))
        return 0
    if step == "check":
        return check(Path(sys.argv[2]))
    if step == "drained":
        return drained()
    raise SystemExit(f"unknown step {step}")


if __name__ == "__main__":
    sys.exit(main())
