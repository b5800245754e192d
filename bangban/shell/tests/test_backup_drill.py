"""Backups that are drilled: `manage.py backup` writes the database, the media files and a
manifest; `manage.py restore_drill` restores it into a scratch database and fails on any
difference. Runs on the suite's database (SQLite locally, PostgreSQL in CI); the PostgreSQL-only
test skips when the suite does not run on PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from bangban.audit.models import AuditEvent
from bangban.tickets.models import Attachment
from bangban.tickets.tests import intake_helpers as h

pytestmark = pytest.mark.django_db(transaction=True)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql" or shutil.which("pg_dump") is None,
    reason="needs the suite on PostgreSQL and pg_dump",
)


def run(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue() + err.getvalue()


@pytest.fixture
def installation(world: Any, login: Any) -> list[str]:
    """A case with two attachments, filed through the API (audit events, files in the storage)."""
    owner = login(world.enterprise_user)
    case = owner.post(
        "/api/v1/cases", {"title": "补材料", "content": "后补材料"}, content_type="application/json"
    ).json()
    answer = owner.post(
        f"/api/v1/cases/{case['id']}/attachments",
        {
            "files": [
                h.upload("执照.pdf", h.pdf_bytes(), "application/pdf"),
                h.upload("现场.png", h.png_bytes(), "image/png"),
            ]
        },
    )
    assert answer.status_code == 201, answer.content
    return [a.file.name for a in Attachment.objects.filter(ticket_id=case["id"])]


def backup(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    target = tmp_path / "backup"
    code, output = run("backup", "--out", str(target))
    assert code == 0, output
    return target, json.loads((target / "manifest.json").read_text(encoding="utf-8"))


def scratch_name(output: str) -> str:
    found = re.search(r"scratch database: (\S+)", output)
    assert found, output
    return found.group(1)


def test_a_backup_restores_and_the_drill_passes(installation: list[str], tmp_path: Path) -> None:
    target, manifest = backup(tmp_path)
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"]["tickets_attachment"] == 2
    assert manifest["tables"]["audit_auditevent"] == AuditEvent.objects.count() > 0
    assert manifest["audit_head"]["last_seq"] == AuditEvent.objects.count()
    stored = {m["name"]: m for m in manifest["media"]}
    assert set(installation) <= set(stored)
    assert (target / "media" / installation[0]).read_bytes() in (h.pdf_bytes(), h.png_bytes())

    code, output = run("restore_drill", "--from", str(target))
    assert code == 0, output
    assert "行数一致 / row counts match" in output
    assert "审计链完整" in output and "audit chain verifies" in output
    assert "媒体文件 / media files: 全部" in output
    assert "演练通过 / PASSED" in output
    assert "已删除临时数据库" in output or connection.vendor == "sqlite"


def test_a_changed_row_count_fails_the_drill(installation: list[str], tmp_path: Path) -> None:
    target, manifest = backup(tmp_path)
    manifest["tables"]["tickets_attachment"] = 3
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    code, output = run("restore_drill", "--from", str(target))
    assert code == 1
    assert (
        "行数不一致 / row counts differ: tickets_attachment: 清单 / manifest 3，恢复后 / restored 2" in output
    )
    assert "演练失败 / FAILED" in output


def test_a_missing_or_altered_media_file_fails_the_drill(installation: list[str], tmp_path: Path) -> None:
    target, _ = backup(tmp_path)
    (target / "media" / installation[0]).unlink()
    code, output = run("restore_drill", "--from", str(target))
    assert code == 1 and "媒体文件缺失" in output and installation[0] in output

    other, _ = backup(tmp_path / "again")
    path = other / "media" / installation[1]
    path.write_bytes(bytes(reversed(path.read_bytes())))  # same size, other content
    code, output = run("restore_drill", "--from", str(other), "--sample", "0")
    assert code == 1 and "媒体文件校验和不符" in output and installation[1] in output


def test_a_damaged_database_file_fails_the_drill(installation: list[str], tmp_path: Path) -> None:
    target, manifest = backup(tmp_path)
    with (target / manifest["database_file"]).open("ab") as handle:
        handle.write(b"\0")
    code, output = run("restore_drill", "--from", str(target))
    assert code == 1 and "数据库文件校验和不符" in output


def test_a_backup_refuses_a_directory_that_is_not_empty(installation: list[str], tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(Exception, match="目标目录不是空的"):
        call_command("backup", "--out", str(tmp_path), stdout=io.StringIO())


@on_postgresql
def test_on_postgresql_the_drill_restores_into_its_own_database_and_drops_it(
    installation: list[str], tmp_path: Path
) -> None:
    target, manifest = backup(tmp_path)
    assert manifest["database_file"] == "database.dump"
    assert (target / "database.dump").read_bytes()[:5] == b"PGDMP"

    def exists(name: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None

    code, output = run("restore_drill", "--from", str(target))
    assert code == 0, output
    name = scratch_name(output)
    assert name.startswith("bangban_drill_") and not exists(name)

    code, output = run("restore_drill", "--from", str(target), "--keep")
    kept = scratch_name(output)
    try:
        assert code == 0 and exists(kept)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{kept}" WITH (FORCE)')


def test_the_audit_chain_is_verified_in_the_restored_copy(installation: list[str], tmp_path: Path) -> None:
    target, manifest = backup(tmp_path)
    head = dict(manifest["audit_head"])
    manifest["audit_head"]["last_hash"] = "0" * 64
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    code, output = run("restore_drill", "--from", str(target))
    assert code == 1 and "审计链头与清单不符" in output

    if manifest["engine"] != "sqlite":
        return
    # An event rewritten inside the backup (its checksum recorded again) breaks the copy's chain.
    copy = sqlite3.connect(target / "database.sqlite3")
    for (trigger,) in copy.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        copy.execute(f'DROP TRIGGER "{trigger}"')
    copy.execute("UPDATE audit_auditevent SET object_repr = '被改动' WHERE seq = 1")
    copy.commit()
    copy.close()
    manifest["audit_head"] = head
    manifest["database_sha256"] = hashlib.sha256((target / "database.sqlite3").read_bytes()).hexdigest()
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    code, output = run("restore_drill", "--from", str(target))
    assert code == 1 and "审计链在第 1 号事件处断裂" in output, output
