"""The unit type-ahead: `GET /api/v1/org/units?q=` over 10,000 units — name, short name and
pinyin initials in order (「sysp」 → 沭阳县行政审批局). Target: ≤ 30 ms per answer.

Run from the repository root:

    python benchmarks/bench_unit_search.py [--units N]

Works in a scratch SQLite file in /tmp (deleted first). Loads the demo city, adds N units with
Chinese names spread over the townships, and times each query as the median of 15 requests through
Django's test client (no network), signed in as the system administrator (the whole city).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

SQLITE_PATH = Path("/tmp/bangban_bench_unit_search.sqlite3")
# Names built from these parts: 泗阳县来安街道自然资源所 and the like.
PLACES = ["沭阳", "泗阳", "泗洪", "宿城", "宿豫", "湖滨", "洋河", "来安", "仰化", "龙河", "众兴", "青阳"]
KINDS = ["街道", "镇", "乡", "社区", "开发区"]
OFFICES = ["自然资源所", "市场监管所", "便民服务中心", "财政所", "税务分局", "派出所", "审批办", "供电所"]


def median_ms(fn, repeat: int = 15) -> float:  # type: ignore[no-untyped-def]
    fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10_000)
    args = parser.parse_args()
    SQLITE_PATH.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client
    from django.test.utils import setup_test_environment

    from bangban.accounts.models import User
    from bangban.org.models import Region, Unit
    from bangban.org.pinyin import initials
    from bangban.shell import demo

    setup_test_environment()  # the test client's host name is allowed
    call_command("migrate", verbosity=0, interactive=False)
    demo.load_demo_city()
    townships = list(Region.objects.filter(level="township"))
    rows = []
    for n in range(args.units):
        place = PLACES[n % len(PLACES)]
        name = f"{place}{KINDS[n // len(PLACES) % len(KINDS)]}{OFFICES[n % len(OFFICES)]}{n:05d}"
        short = f"{place}{OFFICES[n % len(OFFICES)]}"
        rows.append(
            Unit(
                code=f"bench-{n}",
                name=name,
                short_name=short,
                initials=initials(name),  # bulk_create skips save()
                short_initials=initials(short),
                type="township",
                region=townships[n % len(townships)],
            )
        )
    with transaction.atomic():
        Unit.objects.bulk_create(rows, batch_size=1000)
    total = Unit.objects.count()
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    print(f"单位总数：{total}")
    for q in ("sysp", "syxxzspj", "审批", "沭阳", "zrzys", "qqqq"):

        def ask(q: str = q) -> int:
            response = client.get("/api/v1/org/units", {"q": q, "size": 20})
            assert response.status_code == 200, response.content
            return int(response.json()["count"])

        found = ask()
        print(f"q={q!r:12} 命中 {found:6d} 个，首页 20 条：中位数 {median_ms(ask):6.1f} ms")


if __name__ == "__main__":
    main()
