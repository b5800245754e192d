"""The page half of `bench_hotspots.py` (imported after Django is set up on a scratch database)."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client

from bangban.accounts.models import RoleRecord, User
from bangban.accounts.roles import Role
from bangban.insight.hotspots_run import new_run, run_hotspots
from bangban.insight.models import HotspotProblem
from bangban.org.models import Region, RegionLevel, Unit, UnitType
from bangban.tickets.models import Channel, Ticket

NOW = dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _setup(texts: list[tuple[str, str]]) -> User:
    call_command("migrate", verbosity=0, interactive=False)
    for role in Role:
        RoleRecord.objects.get_or_create(code=role.value)
    city = Region(code="321300", name="宿迁市", level=RegionLevel.CITY)
    city.path = city.compute_path()
    city.save()
    counties = []
    for i in range(5):
        r = Region(code=f"3213{20 + i:02d}", name=f"县区{i}", level=RegionLevel.COUNTY, parent=city)
        r.path = r.compute_path()
        r.save()
        counties.append(r)
    units = [
        Unit.objects.create(
            code=f"hs{i:02d}", name=f"单位{i:02d}", type=UnitType.CITY_DEPARTMENT, region=city
        )
        for i in range(20)
    ]
    biz = User.objects.create(username="bench_biz", full_name="营商办", unit=units[0])
    biz.roles.add(RoleRecord.objects.get(code=Role.BIZ_OFFICE))
    rng = random.Random(5)
    channels = [Channel.HOTLINE, Channel.PORTAL, Channel.OFFICER, Channel.WINDOW]
    rows = []
    for i, (title, body) in enumerate(texts):
        received = NOW - dt.timedelta(days=rng.uniform(0, 90), minutes=i % 60)
        rows.append(
            Ticket(
                number=f"BH-{i:08d}", channel=rng.choice(channels), title=title[:120] or "无标题",
                content=body[:5000], region=rng.choice(counties), lead_unit=rng.choice(units),
                received_at=received, status="in_progress", is_repeat=rng.random() < 0.05,
            )
        )  # fmt: skip
    Ticket.objects.bulk_create(rows, batch_size=2000)
    return biz


def _time(client: Client, url: str, n: int = 30) -> tuple[float, float, int]:
    client.get(url)  # warm
    samples = []
    status = 0
    for _ in range(n):
        t0 = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - t0) * 1000)
        status = response.status_code
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], status


def run_page_benchmark(texts: list[tuple[str, str]]) -> None:
    biz = _setup(texts)
    print(f"page: {connection.vendor}, {len(texts):,} cases over 90 days (window 30 days, baseline 60)")
    with transaction.atomic():
        run = new_run(now=NOW, days=30)
    t0 = time.perf_counter()
    outcome = run_hotspots(run.pk, clock=lambda: NOW)
    print(f"  hotspot run ({outcome}): {time.perf_counter() - t0:.1f} s")
    problems = HotspotProblem.objects.filter(run=run)
    print(f"  {problems.count()} problems; hottest: {problems.order_by('rank').first()}")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(biz)
    p50, p95, status = _time(client, f"/insight/hotspots/?run={run.pk}")
    print(f"  堵点 list page ({status}): p50 {p50:.0f} ms, p95 {p95:.0f} ms (target ≤ 300 ms)")
    top: Any = problems.order_by("rank").first()
    if top is not None:
        p50, p95, status = _time(client, f"/insight/hotspots/{top.pk}/")
        print(f"  problem page, {top.case_count} cases ({status}): p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        p50, p95, status = _time(client, f"/api/v1/insight/hotspots?run={run.pk}&size=50")
        print(f"  GET /api/v1/insight/hotspots ({status}): p50 {p50:.0f} ms, p95 {p95:.0f} ms")
