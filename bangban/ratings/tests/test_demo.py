"""The demo city comes with ratings, a rectification in the unit's queue and a 回头看 draw, once."""

from __future__ import annotations

from typing import Any

from bangban.assist.models import RecordRating
from bangban.ratings.models import Rating, RecheckDraw, Rectification, Window
from bangban.shell.demo import load_demo_city


def test_demo_ratings_once(db: Any, client: Any, demo_clock: Any) -> None:
    load_demo_city(demo_clock)
    assert Window.objects.count() == 2
    # 3 window ratings; the enterprise's rating of its closed case (given with its follow-up, 满意)
    # and its 追评 (不满意), which opened the case's rectification. (The 帮办代办 demo adds its own
    # ratings of services given at its sites, one per site.)
    services = RecordRating.objects.values("rating_id")
    assert RecordRating.objects.count() > 0
    assert Rating.objects.exclude(pk__in=services).count() == 5
    assert list(
        Rating.objects.filter(subject__ticket__isnull=False)
        .order_by("created_at")
        .values_list("stage", "level")
    ) == [("first", 2), ("followup", 4)]
    assert RecheckDraw.objects.count() == 1
    rect = Rectification.objects.get(subject__ticket__isnull=False)
    counts = (Rating.objects.count(), Rectification.objects.count(), RecheckDraw.objects.count())
    load_demo_city(demo_clock)
    assert (Rating.objects.count(), Rectification.objects.count(), RecheckDraw.objects.count()) == counts
    assert client.login(username="chengban_sy", password="Suqian-Demo-2024")
    assert rect.number in client.get("/ratings/rectifications/").content.decode()
