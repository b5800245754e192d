"""Excel import of the enterprise registry at scale (R0.2): preview + apply of a 100,000-row file.

Run from the repository root:

    python benchmarks/bench_enterprise_import.py [--rows N] [--target-seconds S]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bangban_bench python benchmarks/bench_enterprise_import.py

The workbook is generated first in a child process (valid codes from ``make_uscc``), so that the
peak RSS printed is that of the web side only: upload through the Django test client, preview
(parse + validate + compare) and apply (bulk insert), then the same file again (nothing changes).
SQLite: a scratch file under /tmp. PostgreSQL: Django's test-database machinery creates and drops
``test_<name>``; the database named in DATABASE_URL itself is never touched.
Exits with status 1 when preview + apply of the first import takes longer than --target-seconds.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

SCRATCH_SQLITE = Path("/tmp/bench_ent_import.sqlite3")

import argparse  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402


def generate(path: str, rows: int, seed: int, variant: int = 0) -> None:
    """Write the workbook (child process: needs no Django). `variant` changes every name."""
    from openpyxl import Workbook

    from bangban.enterprises.uscc import make_uscc
    from bangban.org.demo_data import REGIONS

    rng = random.Random(seed)
    places = [r["code"] for r in REGIONS if r["level"] in ("county", "zone", "township")]
    letters = "ABCDEFGHIJKLMNOPQR"
    scales = ["大型", "中型", "小型", "微型"]
    tiers = ["市工业百强", "县区重点", "一般"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业")
    ws.append(
        [
            "统一社会信用代码",
            "企业名称",
            "所属区划",
            "行业门类",
            "企业规模",
            "企业层级",
            "法定代表人",
            "地址",
            "成立日期",
            "工作联络员",
            "联络员手机",
            "企业联系电话",
        ]
    )
    for i in range(rows):
        region = rng.choice(places)
        ws.append(
            [
                make_uscc(f"91{region[:6]}MA{i:07d}"),
                f"宿迁基准测试{i}号有限公司" + ("（更名）" if variant else ""),
                region,
                rng.choice(letters),
                rng.choice(scales),
                rng.choices(tiers, weights=[1, 5, 94])[0],
                "王某",
                f"江苏省宿迁市测试路{i}号",
                f"20{rng.randint(0, 23):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "李某",
                f"139{i:08d}",
                "0527-80000000",
            ]
        )
    wb.save(path)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--target-seconds", type=float, default=60.0)
    parser.add_argument("--generate-only", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--variant", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        generate(args.generate_only, args.rows, args.seed, args.variant)
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="bench_ent_import_"))
    xlsx = workdir / "enterprises.xlsx"
    renamed = workdir / "enterprises_renamed.xlsx"
    t0 = time.perf_counter()
    children = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                *("--generate-only", str(path), "--rows", str(args.rows)),
                *("--seed", str(args.seed), "--variant", str(variant)),
            ]
        )
        for variant, path in enumerate((xlsx, renamed))
    ]
    if any(child.wait() for child in children):
        raise SystemExit("generating the workbooks failed")
    print(
        f"generated 2 × {args.rows:,} rows in {time.perf_counter() - t0:.1f} s ({xlsx.stat().st_size / 1e6:.1f} MB each)"
    )

    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    if not os.environ.get("DATABASE_URL"):
        SCRATCH_SQLITE.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH_SQLITE}"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import setup_databases, teardown_databases
    from django.urls import reverse

    from bangban.accounts.models import RoleRecord, User
    from bangban.accounts.roles import Role
    from bangban.enterprises.models import Enterprise, ImportBatch
    from bangban.org.demo_data import REGIONS
    from bangban.org.models import Region

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(SCRATCH_SQLITE)
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        with override_settings(
            STORAGES={
                "default": {
                    "BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(workdir / "media")},
                },
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
            BANGBAN_MAX_UPLOAD_BYTES=100 * 1024 * 1024,
        ):
            by_code: dict[str, Region] = {}
            for item in REGIONS:
                region = Region(code=item["code"], name=item["name"], level=item["level"])
                region.parent = by_code.get(item["parent"]) if item.get("parent") else None
                region.path = region.compute_path()
                region.save()
                by_code[item["code"]] = region
            admin = User.objects.create_user(
                username="bench_admin", password="x" * 12, full_name="基准管理员"
            )
            admin.roles.set(RoleRecord.objects.filter(code=Role.ADMIN))

            client = Client(HTTP_HOST="localhost")
            client.force_login(admin)
            print(f"python {platform.python_version()}, database {connection.vendor}, nproc {os.cpu_count()}")
            print(f"peak RSS before import: {peak_rss_mb():.0f} MB")

            def run(label: str, path: Path = xlsx) -> tuple[float, float, ImportBatch]:
                t0 = time.perf_counter()
                with path.open("rb") as fh:
                    response = client.post(reverse("enterprises:import"), {"file": fh})
                if response.status_code != 302:
                    raise SystemExit(f"preview failed: {response.status_code} {response.content[:500]!r}")
                preview_s = time.perf_counter() - t0
                batch = ImportBatch.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
                t1 = time.perf_counter()
                response = client.post(reverse("enterprises:import_apply", args=[batch.pk]))
                if response.status_code != 302:
                    raise SystemExit(f"apply failed: {response.status_code} {response.content[:500]!r}")
                apply_s = time.perf_counter() - t1
                batch.refresh_from_db()
                print(
                    f"{label}: preview {preview_s:.1f} s (new {batch.new_count:,}, updated {batch.updated_count:,}, "
                    f"unchanged {batch.unchanged_count:,}, invalid {batch.invalid_count:,}); "
                    f"apply {apply_s:.1f} s ({batch.result}); total {preview_s + apply_s:.1f} s; "
                    f"peak RSS {peak_rss_mb():.0f} MB"
                )
                return preview_s, apply_s, batch

            preview_s, apply_s, _ = run("first import")
            assert Enterprise.objects.count() == args.rows
            run("same file again")
            assert Enterprise.objects.count() == args.rows
            run("every name changed", renamed)
            assert Enterprise.objects.filter(name__endswith="（更名）").count() == args.rows
            print(f"peak RSS overall: {peak_rss_mb():.0f} MB")
    finally:
        teardown_databases(old_config, verbosity=0)
        SCRATCH_SQLITE.unlink(missing_ok=True)
        shutil.rmtree(workdir, ignore_errors=True)

    total = preview_s + apply_s
    if total > args.target_seconds:
        print(f"FAIL: first import took {total:.1f} s, above the target of {args.target_seconds:.0f} s")
        return 1
    print(f"OK: first import {total:.1f} s within the target of {args.target_seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
