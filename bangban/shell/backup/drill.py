"""`manage.py restore_drill`: restore a backup into a scratch database and prove it is whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connections

from bangban.audit.verify import verify_chain

from .database import read_snapshot, restored
from .manifest import BackupError, Manifest, MediaFile, sha256_file
from .media import local_path

DEFAULT_SAMPLE = 200


@dataclass
class DrillReport:
    """The checks' outcomes, each also written out as it is found."""

    write: Callable[[str], None] = print
    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def passed(self, text: str) -> None:
        self.lines.append(f"✓ {text}")
        self.write(self.lines[-1])

    def failed(self, text: str) -> None:
        self.lines.append(f"✗ {text}")
        self.write(self.lines[-1])
        self.failures.append(text)


def sample_of(files: list[MediaFile], size: int) -> list[MediaFile]:
    """Evenly spread over the list (the same files for the same backup); all when `size` ≤ 0."""
    if size <= 0 or size >= len(files):
        return list(files)
    step = len(files) / size
    return [files[int(i * step)] for i in range(size)]


def check_database_file(directory: Path, manifest: Manifest, report: DrillReport) -> Path | None:
    path = directory / manifest.database_file
    if not path.is_file():
        report.failed(f"数据库文件缺失 / database file missing: {manifest.database_file}")
        return None
    digest, _ = sha256_file(path)
    if digest != manifest.database_sha256:
        report.failed(f"数据库文件校验和不符 / database file checksum differs: {manifest.database_file}")
        return None
    report.passed(f"数据库文件校验和一致 / database file checksum matches ({manifest.database_size} bytes)")
    return path


def check_counts(alias: str, manifest: Manifest, report: DrillReport) -> Any:
    connection = connections[alias]
    with connection.cursor() as cursor:
        snapshot = read_snapshot(connection, cursor)
    differences = []
    for table in sorted(set(manifest.tables) | set(snapshot.tables)):
        expected, found = manifest.tables.get(table), snapshot.tables.get(table)
        if expected != found:
            differences.append(f"{table}: 清单 / manifest {expected}，恢复后 / restored {found}")
    if differences:
        report.failed("行数不一致 / row counts differ: " + "; ".join(differences[:20]))
    else:
        rows = sum(snapshot.tables.values())
        report.passed(f"行数一致 / row counts match: {len(snapshot.tables)} 张表 / tables，{rows} 行 / rows")
    return snapshot


def check_audit_chain(
    alias: str, manifest: Manifest, head: dict[str, Any] | None, report: DrillReport
) -> None:
    result = verify_chain(using=alias)
    if not result.ok:
        report.failed(f"{result.message} / audit chain broken at #{result.broken_seq}")
        return
    if head != manifest.audit_head:
        report.failed(
            f"审计链头与清单不符 / audit head differs from the manifest: {head} ≠ {manifest.audit_head}"
        )
        return
    report.passed(
        f"{result.message} / audit chain verifies: {result.checked} events, head {result.head_hash[:16]}…"
    )


def check_media(directory: Path, manifest: Manifest, sample: int, report: DrillReport) -> None:
    missing = []
    for item in manifest.media:
        path = local_path(directory, item.name)
        if not path.is_file() or path.stat().st_size != item.size:
            missing.append(item.name)
    if missing:
        report.failed(f"媒体文件缺失或大小不符 / media files missing or resized: {', '.join(missing[:10])}")
    chosen = sample_of(manifest.media, sample)
    wrong = []
    for item in chosen:
        path = local_path(directory, item.name)
        if item.name not in missing and sha256_file(path)[0] != item.sha256:
            wrong.append(item.name)
    if wrong:
        report.failed(f"媒体文件校验和不符 / media checksums differ: {', '.join(wrong[:10])}")
    if not missing and not wrong:
        report.passed(
            f"媒体文件 / media files: 全部 {len(manifest.media)} 个存在 / all present，"
            f"抽查 {len(chosen)} 个校验和一致 / {len(chosen)} checksums match"
        )


def run_drill(
    directory: Path,
    server: dict[str, Any],
    *,
    now: dt.datetime,
    keep: bool = False,
    sample: int = DEFAULT_SAMPLE,
    write: Callable[[str], None],
) -> DrillReport:
    report = DrillReport(write)
    manifest = Manifest.read(directory)
    write(f"恢复演练 / restore drill: {directory}（备份于 / taken {manifest.created_at}，{manifest.engine}）")
    dump_file = check_database_file(directory, manifest, report)
    if dump_file is not None:
        try:
            with restored(manifest.engine, dump_file, server, now=now, keep=keep, write=write) as alias:
                snapshot = check_counts(alias, manifest, report)
                check_audit_chain(alias, manifest, snapshot.audit_head, report)
        except BackupError as exc:
            report.failed(str(exc))
    check_media(directory, manifest, sample, report)
    return report
