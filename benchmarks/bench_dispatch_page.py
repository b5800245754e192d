"""The dispatcher's page (`GET /cases/dispatch/`) with the unit picker: server time and HTML size of
one page of pending cases. Target: ≤ 200 ms.

Run from the repository root:

    python benchmarks/bench_dispatch_page.py [--cases N] [--units N]

Works in a scratch SQLite file in /tmp (deleted first): the demo city, N more units (the directory a
city keeps, spread over its townships) and N pending cases, each with a suggested unit. Times the
first page (the page size the dispatcher's list uses) as the median of 15 requests through Django's
test client, signed in as the demo dispatcher. The unit picker searches `GET /api/v1/org/units?q=`
as the dispatcher types; `bench_unit_search.py` measures that.
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

SQLITE_PATH = Path("/tmp/bangban_bench_dispatch_page.sqlite3")


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
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--units", type=int, default=2_000)
    args = parser.parse_args()
    SQLITE_PATH.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from bangban.accounts.demo_accounts import DEMO_PASSWORD
    from bangban.org.models import Region, Unit
    from bangban.org.pinyin import initials
    from bangban.shell import demo
    from bangban.tickets.models import Ticket
    from bangban.tickets.workflow import Status

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    demo.load_demo_city()
    townships = list(Region.objects.filter(level="township"))
    units = [
        Unit(
            code=f"bench-{n}",
            name=f"{townships[n % len(townships)].name}便民服务所{n:05d}",
            short_name=f"便民服务所{n:05d}",
            initials=initials(f"{townships[n % len(townships)].name}便民服务所"),
            short_initials=initials("便民服务所"),
            type="township",
            region=townships[n % len(townships)],
        )
        for n in range(args.units)
    ]
    Unit.objects.bulk_create(units, batch_size=1000)
    targets = list(Unit.objects.filter(is_active=True).values_list("pk", flat=True)[:50])
    now = timezone.now()
    Ticket.objects.bulk_create(
        [
            Ticket(
                number=f"BM-20261207-{n:05d}",
                channel="portal",
                title=f"基准诉求 {n}",
                content="企业反映的问题，用于测量派单页面。",
                status=Status.PENDING_DISPATCH,
                received_at=now,
                suggested_unit_id=targets[n % len(targets)],
            )
            for n in range(args.cases)
        ],
        batch_size=1000,
    )
    client = Client()
    assert client.login(username="paidan", password=DEMO_PASSWORD)
    response = client.get("/cases/dispatch/")
    assert response.status_code == 200, response.status_code
    rows = response.content.decode().count('data-testid="dispatch-row"')
    ms = median_ms(lambda: client.get("/cases/dispatch/"))
    print(f"units {Unit.objects.count():,}, pending cases {args.cases:,}, rows on the first page {rows}")
    print(f"GET /cases/dispatch/: median {ms:.1f} ms, {len(response.content) / 1024:.1f} KB of HTML")


if __name__ == "__main__":
    main()
