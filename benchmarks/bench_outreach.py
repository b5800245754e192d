"""Policy bulk import and the association's 议事厅 list (outreach).

Run from the repository root:

    python benchmarks/bench_outreach.py [--rows 1000] [--library 5000] [--opinions 20000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bangban_outreach python benchmarks/bench_outreach.py

In a scratch database (a SQLite file in /tmp; with DATABASE_URL, also a database
`<name>_bench` created on that PostgreSQL server and dropped afterwards) it creates a policy
library of `library` policies, `opinions` 议事厅 opinions spread over 200 associations (one
account each), and an .xlsx of `rows` policies (5 % with a problem, 5 % already in the library).
It then times:

1. the preview of the upload (every row read, checked and stored with its message);
2. the confirmation (the valid rows created, each audited);
3. an association account's first page of its opinions (the page's query and count).
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
import subprocess  # noqa: E402
import time  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

from benchmarks._common import cpu_model  # noqa: E402

SQLITE_PATH = Path("/tmp/bangban_bench_outreach.sqlite3")


def step(rows: int, library: int, opinions: int, label: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from openpyxl import Workbook

    from bangban.accounts.models import RoleRecord, User
    from bangban.accounts.roles import Role
    from bangban.org.models import Region, RegionLevel, Unit, UnitType
    from bangban.outreach import policy_import, queries
    from bangban.outreach.models import Association, AssociationOpinion, Policy

    call_command("migrate", verbosity=0, interactive=False)
    print(f"[{label}] 数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    roles = {r.code: r for r in RoleRecord.for_codes(Role)}
    city = Region.objects.create(code="321300", name="宿迁市", level=RegionLevel.CITY)
    county = Region.objects.create(code="321322", name="沭阳县", level=RegionLevel.COUNTY, parent=city)
    office_unit = Unit.objects.create(
        code="city-business-env", name="市营商办", type=UnitType.CITY_DEPARTMENT, region=city
    )
    answer_unit = Unit.objects.create(
        code="shuyang-gov", name="沭阳县人民政府", type=UnitType.COUNTY_GOVERNMENT, region=county
    )
    office = User.objects.create(username="yingshangban", full_name="营商办", unit=office_unit)
    office.roles.set([roles[Role.BIZ_OFFICE]])

    Policy.objects.bulk_create(
        [
            Policy(
                title=f"存量政策{i:06d}", doc_number=f"宿政发〔2025〕{i}号", summary="要点", created_by=office
            )
            for i in range(library)
        ],
        batch_size=1000,
    )
    accounts = User.objects.bulk_create(
        [User(username=f"xiehui{i:03d}", full_name=f"协会{i}") for i in range(200)]
    )
    for account in accounts:
        account.roles.add(roles[Role.ASSOCIATION])
    associations = Association.objects.bulk_create(
        [Association(name=f"协会商会{i:03d}", region=city) for i in range(200)]
    )
    for association, account in zip(associations, accounts, strict=True):
        association.accounts.add(account)
    now = timezone.now()
    AssociationOpinion.objects.bulk_create(
        [
            AssociationOpinion(
                association=associations[i % 200],
                title=f"意见{i}",
                content="会员企业反映的问题",
                answer_unit=answer_unit,
                submitted_by=office,
                submitted_at=now,
            )
            for i in range(opinions)
        ],
        batch_size=2000,
    )

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("惠企政策")
    ws.append(list(policy_import.COLUMNS))
    for i in range(rows):
        title, doc = f"新政策{i:06d}", f"宿政办发〔2026〕{i}号"
        tiers = "市工业百强"
        if i % 20 == 0:
            tiers = "不存在的层级"
        elif i % 20 == 1:
            title, doc = f"存量政策{i % max(library, 1):06d}", f"宿政发〔2025〕{i % max(library, 1)}号"
        values = {
            "政策名称": title,
            "政策要点": "对设备投资给予补助",
            "文号": doc,
            "发布单位": "市营商办",
            "发布日期": "2026-01-05",
            "有效期至": "2027年12月31日",
            "适用行业": "制造业",
            "适用区划": "沭阳县",
            "适用规模": "中型、小型",
            "适用层级": tiers,
        }
        ws.append([values.get(column, "") for column in policy_import.COLUMNS])
    buffer = io.BytesIO()
    wb.save(buffer)
    upload = SimpleUploadedFile("政策.xlsx", buffer.getvalue())

    started = time.perf_counter()
    batch = policy_import.do_preview_policy_import(acting_user=office, uploaded_file=upload)
    preview = time.perf_counter() - started
    if batch.valid_count == 0:
        raise SystemExit(f"没有可导入的行：{batch.rows[:3]}")
    started = time.perf_counter()
    batch = policy_import.do_apply_policy_import(acting_user=office, import_id=batch.pk)
    apply = time.perf_counter() - started
    print(
        f"[{label}] 导入 {rows:,} 行：可导入 {batch.valid_count:,}，有误 {batch.error_count:,}，"
        f"已建 {batch.created_count:,}；预览 {preview:.3f} s，确认 {apply:.3f} s"
    )

    account = User.objects.get(username="xiehui007")
    started = time.perf_counter()
    filtered = queries.opinions(account, {})
    count = filtered.qs.count()
    first = list(filtered.qs[:20])
    hall = time.perf_counter() - started
    print(f"[{label}] 协会账号议事厅首页：{len(first)} 条 / 共 {count:,} 条，{hall * 1000:.1f} ms")
    print(f"RESULT {label} preview={preview:.3f} apply={apply:.3f} hall_ms={hall * 1000:.1f}")


def run(rows: int, library: int, opinions: int, label: str, url: str) -> None:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.test")
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--step",
            "--rows",
            str(rows),
            "--library",
            str(library),
            "--opinions",
            str(opinions),
            "--label",
            label,
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        sys.stdout.write(proc.stderr)
        raise SystemExit(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--library", type=int, default=5000)
    parser.add_argument("--opinions", type=int, default=20_000)
    parser.add_argument("--step", action="store_true")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    if args.step:
        step(args.rows, args.library, args.opinions, args.label)
        return 0

    print(f"CPU：{cpu_model()}，{os.cpu_count()} 核；Python {platform.python_version()}")
    for suffix in ("", "-wal", "-shm"):
        Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
    try:
        run(args.rows, args.library, args.opinions, "sqlite", f"sqlite:///{SQLITE_PATH}")
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)

    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        scratch = f"{parts.path.lstrip('/') or 'bangban'}_bench"
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        scratch_url = urlunsplit(parts._replace(path=f"/{scratch}"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{scratch}"')
        try:
            run(args.rows, args.library, args.opinions, "postgresql", scratch_url)
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
