"""The enterprise list page over 100,000 enterprises (R0.2): server time and queries per request.

Run from the repository root:

    python benchmarks/bench_enterprise_list.py [--enterprises N] [--requests N] [--target-p95-ms MS]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bangban_bench python benchmarks/bench_enterprise_list.py

Fills a scratch database (SQLite: a file under /tmp; PostgreSQL: Django's test database
``test_<name>``, dropped afterwards) with the demo city's regions and N enterprises, then requests
``/enterprises/`` through the Django test client as an administrator (city-wide, phones unmasked)
and as a county handler (scoped, masked), with random filters, page sizes and pages, and prints
the server time (whole request: middleware, queries, template) and the query count per request.
Exits with status 1 when the p95 exceeds --target-p95-ms.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

SCRATCH_SQLITE = Path("/tmp/bench_ent_list.sqlite3")

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--target-p95-ms", type=float, default=100.0)
    args = parser.parse_args()

    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    if not os.environ.get("DATABASE_URL"):
        SCRATCH_SQLITE.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH_SQLITE}"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases
    from django.urls import reverse

    from bangban.accounts.models import RoleRecord, User
    from bangban.accounts.roles import Role
    from bangban.enterprises.models import Enterprise
    from bangban.enterprises.uscc import make_uscc
    from bangban.org.demo_data import REGIONS
    from bangban.org.models import Region, Unit, UnitType

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(SCRATCH_SQLITE)
    old_config = setup_databases(verbosity=0, interactive=False)
    rng = random.Random(args.seed)
    try:
        t0 = time.perf_counter()
        by_code: dict[str, Region] = {}
        for item in REGIONS:
            region = Region(code=item["code"], name=item["name"], level=item["level"])
            region.parent = by_code.get(item["parent"]) if item.get("parent") else None
            region.path = region.compute_path()
            region.save()
            by_code[item["code"]] = region
        places = [r for r in by_code.values() if r.level in ("county", "zone", "township", "village")]
        letters = "ABCDEFGHIJKLMNOPQR"
        batch: list[Enterprise] = []
        for i in range(args.enterprises):
            region = rng.choice(places)
            batch.append(
                Enterprise(
                    uscc=make_uscc(f"91{region.code[:6]}MA{i:07d}"),
                    name=f"宿迁{rng.choice('沐澄骏禾泓岚瀚晟朗睿')}{rng.choice('川嘉岳麟澜汀屿谷')}{i}号有限公司",
                    region=region,
                    industry=rng.choice(letters),
                    scale=rng.choice(["large", "medium", "small", "micro"]),
                    tier=rng.choices(["city_top100", "county_key", "general"], weights=[1, 5, 94])[0],
                    liaison_name="李某",
                    liaison_phone=f"139{i:08d}",
                    established=dt.date(2000 + i % 24, 1 + i % 12, 1 + i % 28),
                    is_active=rng.random() > 0.03,
                )
            )
            if len(batch) >= 2000:
                Enterprise.objects.bulk_create(batch)
                batch = []
        Enterprise.objects.bulk_create(batch)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"filled {Enterprise.objects.count():,} enterprises in {time.perf_counter() - t0:.1f} s")

        admin = User.objects.create_user(username="bench_admin", password="x" * 12, full_name="基准管理员")
        admin.roles.set(RoleRecord.objects.filter(code=Role.ADMIN))
        county = by_code["321322"]
        unit = Unit.objects.create(
            code="bench-sy", name="沭阳县人民政府", type=UnitType.COUNTY_GOVERNMENT, region=county
        )
        handler = User.objects.create_user(username="bench_handler", password="x" * 12, unit=unit)
        handler.roles.set(RoleRecord.objects.filter(code=Role.HANDLER))

        counties = [r.code for r in places if r.level in ("county", "zone")]
        townships = [r.code for r in places if r.level == "township"]
        url = reverse("enterprises:list")

        def random_params(scoped: bool) -> tuple[str, dict[str, str]]:
            kind = rng.choice(
                ["page", "page", "tier", "industry", "scale", "region", "town", "q_name", "q_code", "mixed"]
            )
            params: dict[str, str] = {}
            if kind == "tier":
                params["tier"] = rng.choice(["city_top100", "county_key", "general"])
            elif kind == "industry":
                params["industry"] = rng.choice(letters)
            elif kind == "scale":
                params["scale"] = rng.choice(["large", "medium", "small", "micro"])
            elif kind == "region":
                params["region"] = "321322" if scoped else rng.choice(counties)
            elif kind == "town":
                params["region"] = rng.choice(
                    [t for t in townships if t.startswith("321322")] if scoped else townships
                )
            elif kind == "q_name":
                params["q"] = f"{rng.randrange(args.enterprises)}号"
            elif kind == "q_code":
                params["q"] = make_uscc(f"91321322MA{rng.randrange(args.enterprises):07d}")[8:16]
            elif kind == "mixed":
                params.update(
                    tier=rng.choice(["county_key", "general"]),
                    scale=rng.choice(["small", "micro"]),
                    is_active="1",
                    industry=rng.choice(letters),
                )
            params["size"] = str(rng.choice([20, 20, 50, 100]))
            pages = max(1, args.enterprises // int(params["size"]) // (20 if params.keys() - {"size"} else 1))
            params["page"] = str(rng.choice([1, 1, 2, rng.randint(1, min(10, pages)), rng.randint(1, pages)]))
            return kind, params

        results: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for who, user in (("admin", admin), ("county handler", handler)):
            client = Client(HTTP_HOST="localhost")
            client.force_login(user)
            client.get(url)  # warm up: session, templates
            for _ in range(args.requests):
                kind, params = random_params(who != "admin")
                with CaptureQueriesContext(connection) as queries:
                    t = time.perf_counter()
                    response = client.get(url, params)
                    elapsed = (time.perf_counter() - t) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{params}: HTTP {response.status_code}")
                results[who].append((elapsed, len(queries.captured_queries)))
                results[f"{who} / {kind}"].append((elapsed, len(queries.captured_queries)))

        print(f"python {platform.python_version()}, database {connection.vendor}, nproc {os.cpu_count()}")
        for label in sorted(results, key=lambda k: ("/" in k, k)):
            times = [t for t, _ in results[label]]
            counts = sorted({q for _, q in results[label]})
            print(
                f"{label}: {len(times)} requests, p50 {statistics.median(times):.1f} ms, "
                f"p95 {percentile(times, 95):.1f} ms, max {max(times):.1f} ms, queries {counts}"
            )
        worst = max(percentile([t for t, _ in results[who]], 95) for who in ("admin", "county handler"))

        client = Client(HTTP_HOST="localhost")
        client.force_login(admin)
        with CaptureQueriesContext(connection) as queries:
            t = time.perf_counter()
            response = client.get(reverse("enterprises:export"))
            size = sum(len(chunk) for chunk in response.streaming_content)
            elapsed = time.perf_counter() - t
        print(
            f"export of all {Enterprise.objects.count():,} enterprises: {elapsed:.1f} s, "
            f"{size / 1e6:.1f} MB, {len(queries.captured_queries)} queries, peak RSS "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )
    finally:
        teardown_databases(old_config, verbosity=0)
        SCRATCH_SQLITE.unlink(missing_ok=True)

    if worst > args.target_p95_ms:
        print(f"FAIL: p95 {worst:.1f} ms is above the target of {args.target_p95_ms:.0f} ms")
        return 1
    print(f"OK: p95 {worst:.1f} ms within the target of {args.target_p95_ms:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
