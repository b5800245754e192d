"""免罚轻罚 (R9.2): the decision aid over a large register — recording a decision through the page
(which reads the enterprise's record of two years), the API's dry-run proposal, a month's figures
per unit, the first page of 司法局's register, and the .xlsx import of a 500-row catalogue.

Run from the repository root:

    python benchmarks/bench_leniency.py [--decisions N] [--runs N]

In a scratch SQLite file in /tmp (removed afterwards; with DATABASE_URL set, that database is used
instead — give it a scratch one) it creates 100 units, 1,000 inspectors, 20,000 enterprises, a
catalogue of 500 items and N decisions (bulk_create) spread over three years, a few hundred
enterprises holding most of them. The figures and the machine's load (`uptime`) are recorded in
docs/performance.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import argparse  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

from benchmarks._common import uptime  # noqa: E402

SQLITE_PATH = Path("/tmp/bangban_bench_leniency.sqlite3")


def timed(fn: Any, runs: int) -> tuple[float, float]:
    times = []
    for k in range(runs):
        t0 = time.perf_counter()
        fn(k)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, sorted(times)[int(len(times) * 0.9)] * 1000


def bench(decisions: int, runs: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    import datetime as dt
    import random

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from bangban.accounts.models import RoleRecord, User
    from bangban.accounts.roles import Role
    from bangban.enterprises.models import Enterprise
    from bangban.leniency.demo import CATALOGUE, FIRST, catalogue_file
    from bangban.leniency.models import CatalogueImport, CatalogueItem, Decision
    from bangban.org.models import Region, RegionLevel, Unit, UnitType

    call_command("migrate", verbosity=0, interactive=False)
    print(f"数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    for role in Role:
        RoleRecord.objects.get_or_create(code=role.value)
    rng = random.Random(20261207)
    city = Region(code="321300", name="宿迁市", level=RegionLevel.CITY)
    city.path = city.compute_path()
    city.save()
    units = [
        Unit.objects.create(code=f"u{i:03d}", name=f"单位{i:03d}", type=UnitType.CITY_DEPARTMENT, region=city)
        for i in range(100)
    ]
    units.append(
        Unit.objects.create(
            code="city-justice", name="宿迁市司法局", type=UnitType.CITY_DEPARTMENT, region=city
        )
    )
    User.objects.bulk_create(
        [User(username=f"z{i:04d}", full_name=f"执法员{i:04d}", unit=units[i % 100]) for i in range(1000)]
    )
    inspectors = list(User.objects.filter(username__startswith="z").order_by("pk"))
    through = User.roles.through
    through.objects.bulk_create([through(user_id=u.pk, rolerecord_id=Role.INSPECTOR) for u in inspectors])
    sifa = User.objects.create(username="sifa", full_name="司法局", unit=units[-1])
    through.objects.create(user_id=sifa.pk, rolerecord_id=Role.LEGAL_OVERSIGHT)
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=f"91321300MA{i:08d}",
                name=f"基准企业{i:06d}",
                region=city,
                industry="C",
                scale="small",
                tier="general",
            )
            for i in range(20_000)
        ],
        batch_size=2000,
    )
    enterprise_ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))

    # The 500-row catalogue, imported through the page (preview, then confirm).
    rows = [(f"X-{i:03d}", *CATALOGUE[i % 12][1:7], units[i % 100].name) for i in range(500)]
    client = Client()
    client.force_login(sifa)
    t0 = time.perf_counter()
    answer = client.post("/leniency/catalogue/import/", {"file": catalogue_file(rows)})
    preview = time.perf_counter() - t0
    assert answer.status_code == 302, answer.content[:300]
    batch = CatalogueImport.objects.get()
    t0 = time.perf_counter()
    client.post(f"/leniency/catalogue/import/{batch.pk}/", {"do": "apply"})
    apply = time.perf_counter() - t0
    items = list(CatalogueItem.objects.filter(is_current=True).values_list("pk", flat=True))
    assert len(items) == 500
    print(f"导入 500 行清单：预览 {preview * 1000:.0f} ms，确认导入 {apply * 1000:.0f} ms")

    # N decisions over three years; 300 enterprises hold a third of them.
    now = timezone.now()
    heavy = rng.sample(enterprise_ids, 300)
    t0 = time.perf_counter()
    with transaction.atomic():
        made = []
        for i in range(decisions):
            inspector = inspectors[i % len(inspectors)]
            at = now - dt.timedelta(seconds=rng.randrange(3 * 365 * 86400))
            made.append(
                Decision(
                    number=f"B{i:08d}",
                    enterprise_id=heavy[i % 300] if i % 3 == 0 else rng.choice(enterprise_ids),
                    item_id=items[i % 500],
                    unit_id=inspector.unit_id or 0,
                    case_date=timezone.localdate(at),
                    facts=FIRST,
                    narrative="基准",
                    proposal="no_penalty",
                    proposal_rule="first_offence",
                    outcome="no_penalty" if i % 5 else "penalty",
                    deviated=i % 17 == 0,
                    decided_by_id=inspector.pk,
                    decided_at=at,
                    status="corrected" if i % 29 == 0 else "decided",
                )
            )
            if len(made) == 5000:
                Decision.objects.bulk_create(made)
                made = []
        Decision.objects.bulk_create(made)
    print(f"{decisions:,} 件决定：{time.perf_counter() - t0:.1f} s")

    inspector_client = Client()
    inspector_client.force_login(inspectors[0])
    today = timezone.localdate(now)

    def record(k: int) -> None:
        form = {
            "item": items[k % 500], "enterprise": str(heavy[k % 300]), "case_date": today.isoformat(),
            "narrative": "基准案件", "outcome": "penalty", "reason": "基准", "do": "record",
            **{f"fact_{key}": "1" if v else "0" for key, v in FIRST.items()},
        }  # fmt: skip
        response = inspector_client.post("/leniency/decisions/new/", form)
        assert response.status_code == 302, response.content[:300]

    def propose(k: int) -> None:
        body = {
            "enterprise_id": heavy[k % 300], "item_id": items[k % 500], "case_date": today.isoformat(),
            "facts": FIRST, "narrative": "基准",
        }  # fmt: skip
        response = inspector_client.post("/api/v1/leniency/propose", body, content_type="application/json")
        assert response.status_code == 200, response.content[:300]

    month = today.strftime("%Y-%m")

    def figures(k: int) -> None:
        assert client.get("/leniency/figures/", {"month": month}).status_code == 200

    def register(k: int) -> None:
        assert client.get("/leniency/", {"month": month}).status_code == 200

    lines = {
        "记录决定（页面 POST，含近两年记录查询、写入与审计）": timed(record, runs),
        "生成建议（API，不记录）": timed(propose, runs),
        f"月度统计页（{month}）": timed(figures, max(runs // 5, 3)),
        "司法局决定台账首页（本月）": timed(register, max(runs // 5, 3)),
    }
    for label, (median, p90) in lines.items():
        print(f"{label}：中位数 {median:.1f} ms，p90 {p90:.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--decisions", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    print(f"CPU {os.cpu_count()} 核；Python {platform.python_version()}")
    print(f"开始：{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}；{uptime()}")
    scratch = not os.environ.get("DATABASE_URL")
    if scratch:
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    try:
        bench(args.decisions, args.runs)
    finally:
        if scratch:
            for suffix in ("", "-wal", "-shm"):
                Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
    print(f"结束：{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}；{uptime()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
