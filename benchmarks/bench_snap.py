"""随手拍 (R7.3): a report with a photo through the whole intake, and 作风办's queue and the unit's
page over many reports.

Run from the repository root:

    python benchmarks/bench_snap.py [--reports N] [--submits N] [--photo-mb N]

In a scratch SQLite file in /tmp (removed afterwards) it creates a city, 作风办, a unit and N
reports (cases of channel 作风直通车 with their `ConductComplaint`, by bulk_create), then times:

1. a 随手拍 with one photo of `--photo-mb` MB through `do_submit_snap` (content sniffing, SHA-256,
   the case, its number, its file, timeline and audit events, the conduct record), per report;
2. 作风办's queue page (`/conduct/snaps/`, first page and a category filter) through the Django stack;
3. the unit's page of the reports about it (`/conduct/snap/unit/`).

The figures and the machine's load (`uptime`) are recorded in docs/performance.md.
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

from benchmarks._common import uptime  # noqa: E402

SQLITE_PATH = Path("/tmp/bangban_bench_snap.sqlite3")


def timed(fn, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def line(label: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    print(
        f"{label}: median {statistics.median(ms):.1f} ms, p90 {p90:.1f} ms, fastest {ms[0]:.1f} ms (n={len(ms)})"
    )


def bench(reports: int, submits: int, photo_mb: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment()
    import atexit
    import datetime as dt
    import shutil
    import tempfile

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from bangban.accounts.models import RoleRecord, User
    from bangban.accounts.roles import Role
    from bangban.conduct.actions import SnapInput, do_submit_snap
    from bangban.conduct.models import ConductComplaint, SnapCategory
    from bangban.org.models import Region, RegionLevel, Unit, UnitType
    from bangban.tickets.models import Channel, PhoneVerification, Ticket

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bangban_bench_snap_media_")
    atexit.register(shutil.rmtree, settings.MEDIA_ROOT, True)
    settings.BANGBAN_PUBLIC_CASES_PER_PHONE_PER_DAY = 10**6
    settings.BANGBAN_PUBLIC_CASES_PER_ADDRESS_PER_DAY = 10**6
    call_command("migrate", verbosity=0, interactive=False)
    for role in Role:
        RoleRecord.objects.get_or_create(code=role.value)
    city = Region(code="321300", name="宿迁市", level=RegionLevel.CITY)
    city.path = city.compute_path()
    city.save()
    office_unit = Unit.objects.create(code="zfb", name="市作风办", type=UnitType.CITY_DEPARTMENT, region=city)
    unit = Unit.objects.create(code="u1", name="某县直部门", type=UnitType.CITY_DEPARTMENT, region=city)
    office = User.objects.create_user("zuofeng", password="x", full_name="作风办", unit=office_unit)
    office.roles.set([Role.CONDUCT_OFFICE])
    handler = User.objects.create_user("handler", password="x", full_name="承办人", unit=unit)
    handler.roles.set([Role.HANDLER])

    now = timezone.now()
    t0 = time.perf_counter()
    categories = SnapCategory.values
    tickets = Ticket.objects.bulk_create(
        [
            Ticket(
                number=f"ZF-BENCH-{i:07d}", channel=Channel.CONDUCT, title=f"【相互推诿】第{i}件",
                content="两个科室互相推诿。", contact_phone=f"139{i:08d}", received_at=now - dt.timedelta(minutes=i),
            )
            for i in range(reports)
        ],
        batch_size=2000,
    )  # fmt: skip
    ConductComplaint.objects.bulk_create(
        [
            ConductComplaint(
                ticket=t, source="snap", category=categories[i % 4], unit=unit if i % 10 == 0 else None,
                received_at=t.received_at,
            )
            for i, t in enumerate(tickets)
        ],
        batch_size=2000,
    )  # fmt: skip
    print(f"{reports:,} 件反映：{time.perf_counter() - t0:.1f} s")

    photo = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(photo_mb * 1024 * 1024)

    def submit() -> None:
        phone = f"138{submit.n:08d}"  # type: ignore[attr-defined]
        submit.n += 1  # type: ignore[attr-defined]
        at = timezone.now()
        vid = PhoneVerification.objects.create(
            phone=phone, code_hash="bench", created_at=at, expires_at=at, verified_at=at
        ).pk
        do_submit_snap(
            verification_id=vid,
            phone=phone,
            data=SnapInput(category="breach", content="合同约定的奖励不兑现。"),
            attachments=[SimpleUploadedFile("现场.jpg", photo, content_type="image/jpeg")],
            ip="127.0.0.1",
            now=at,
        )

    submit.n = 0  # type: ignore[attr-defined]
    print(uptime())
    line(f"随手拍（含 {photo_mb} MB 照片）提交", timed(submit, submits))
    client = Client()
    client.force_login(office)
    assert client.get("/conduct/snaps/").status_code == 200
    line(f"作风办列表首页（{reports:,} 件）", timed(lambda: client.get("/conduct/snaps/"), 20))
    line(
        "作风办列表按类型筛选",
        timed(lambda: client.get("/conduct/snaps/?category=breach&status=pending"), 20),
    )
    unit_client = Client()
    unit_client.force_login(handler)
    line("被投诉单位的本单位页", timed(lambda: unit_client.get("/conduct/snap/unit/"), 20))
    print(uptime())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--submits", type=int, default=30)
    parser.add_argument("--photo-mb", type=int, default=5)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        SQLITE_PATH.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    try:
        bench(args.reports, args.submits, args.photo_mb)
    finally:
        if SQLITE_PATH.exists() and os.environ.get("DATABASE_URL", "").endswith(SQLITE_PATH.name):
            SQLITE_PATH.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
