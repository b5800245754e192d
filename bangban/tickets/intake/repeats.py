"""Repeated complaints (重复反映): a new case is linked to a close earlier case of the same enterprise
(or, without an enterprise, of the same phone) within `duplicates.WINDOW_DAYS` — `duplicate_of`,
`is_repeat` — by the text similarity of `duplicates.py`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connections, router

from bangban.core import rawsql

from .. import duplicates
from ..models import Channel, Ticket
from ..workflow import Status
from ._common import Clean

# The newest cases of the same enterprise (or phone) a new one is compared with.
REPEAT_CANDIDATES = 200


def repeat_candidates(channel: str, since: dt.datetime) -> Any:
    """The cases a new one of `channel` may repeat. Conduct complaints (作风直通车) are compared only
    with each other: a link to the enterprise's other cases would name the complainant to the units
    handling those (R0.4)."""
    qs = Ticket.objects.filter(received_at__gte=since).exclude(status__in=[Status.MERGED, Status.WITHDRAWN])
    if channel == Channel.CONDUCT:
        return qs.filter(channel=Channel.CONDUCT)
    return qs.exclude(channel=Channel.CONDUCT)


def _recent_texts(
    key_field: str, values: set[Any], channel: str, since: dt.datetime
) -> dict[Any, list[tuple[int, str]]]:
    """The newest cases (id, text) per enterprise or per phone, at most `REPEAT_CANDIDATES` each, newest
    first, for all of `values` in one query: `repeat_candidates` written as plain SQL (intake's hot
    path; `test_repeats` holds both to the same answer)."""
    if not values:
        return {}
    values_list = sorted(values)
    marks = ", ".join(["%s"] * len(values_list))
    if key_field == "enterprise_id":
        key, which = '"enterprise_id"', f'"enterprise_id" IN ({marks})'
    else:
        key, which = '"contact_phone"', f'"enterprise_id" IS NULL AND "contact_phone" IN ({marks})'
    same_channel = "=" if channel == Channel.CONDUCT else "<>"
    sql = (
        f'SELECT "id", "k", "title", "content" FROM (SELECT "id", {key} AS "k", "title", "content", '
        f'"received_at", ROW_NUMBER() OVER (PARTITION BY {key} ORDER BY "received_at" DESC, "id" DESC) AS "n" '
        f'FROM {rawsql.table(Ticket)} WHERE "received_at" >= %s AND "status" NOT IN (%s, %s) '
        f'AND "channel" {same_channel} %s AND {which}) "w" '
        'WHERE "n" <= %s ORDER BY "received_at" DESC, "id" DESC'
    )
    alias = router.db_for_read(Ticket)
    params = [
        connections[alias].ops.adapt_datetimefield_value(since),
        Status.MERGED.value,
        Status.WITHDRAWN.value,
        Channel.CONDUCT.value,
        *values_list,
        REPEAT_CANDIDATES,
    ]
    grouped: dict[Any, list[tuple[int, str]]] = {}
    for pk, group, title, content in rawsql.fetch(Ticket, sql, params):
        grouped.setdefault(group, []).append((pk, f"{title}\n{content}"))
    return grouped


def find_repeats(
    cleans: list[Clean], channel: str, now: dt.datetime
) -> list[tuple[Ticket | int, float] | None]:
    """For each submission in order, the case it repeats (重复反映) and the similarity: an earlier
    case (a Ticket) or an earlier submission of the same list (its position, an int), or None.
    One query per key kind (enterprise, phone) however many submissions."""
    since = now - dt.timedelta(days=duplicates.WINDOW_DAYS)
    by_enterprise = _recent_texts(
        "enterprise_id", {c.enterprise.pk for c in cleans if c.enterprise}, channel, since
    )
    phones = {c.contact_phone for c in cleans if c.enterprise is None and c.contact_phone}
    by_phone = _recent_texts("contact_phone", phones, channel, since)
    earlier: dict[tuple[str, Any], list[int]] = {}
    matches: list[tuple[int, float] | None] = []
    for position, c in enumerate(cleans):
        group: tuple[str, Any]
        if c.enterprise is not None:
            group, stored = ("e", c.enterprise.pk), by_enterprise.get(c.enterprise.pk, [])
        elif c.contact_phone:
            group, stored = ("p", c.contact_phone), by_phone.get(c.contact_phone, [])
        else:
            matches.append(None)
            continue
        # Earlier submissions of the list are newer than anything stored; ids below zero name them.
        mine = [
            (-(j + 1), f"{cleans[j].title}\n{cleans[j].content}") for j in reversed(earlier.get(group, []))
        ]
        candidates = (mine + stored)[:REPEAT_CANDIDATES]
        match = duplicates.best_match(f"{c.title}\n{c.content}", candidates)
        matches.append((match.id, match.score) if match is not None else None)
        earlier.setdefault(group, []).append(position)
    originals = Ticket.objects.in_bulk([m[0] for m in matches if m is not None and m[0] > 0])
    result: list[tuple[Ticket | int, float] | None] = []
    for m in matches:
        if m is None:
            result.append(None)
        elif m[0] < 0:
            result.append((-m[0] - 1, m[1]))
        else:
            result.append((originals[m[0]], m[1]))
    return result
