"""The audit chain cannot be rewritten unnoticed (R0.5): events are keyed with HMAC-SHA256 under a
key kept outside the database, legacy plain SHA-256 events stay verifiable, the chain's head is
anchored daily outside the database, and `verify_audit_anchor` checks a digest against the live
chain."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from bangban.audit.actions import canonical_json, event_hash, format_at
from bangban.audit.models import AuditEvent, ChainHead
from bangban.audit.tests.test_chain import append, run_verify, tamper
from bangban.audit.verify import verify_chain

KEY = "dev-only-audit-key-do-not-use-in-production"


def command(name: str, *args: Any) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def rewrite_from(seq: int, *, key: bytes | None, actor_name: str = "冒名者") -> None:
    """What the issue's attacker did: edit event `seq` behind the trigger and recompute every later
    hash (and the head) — with plain SHA-256 (`key=None`) or under some key."""
    prev = AuditEvent.objects.get(seq=seq).prev_hash
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        name = actor_name if event.seq == seq else event.actor_name
        digest = event_hash(
            seq=event.seq,
            at=event.at,
            actor_id=event.actor_id,
            actor_name=name,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            object_repr=event.object_repr,
            before=event.before,
            after=event.after,
            ip=event.ip,
            source=event.source,
            prev_hash=prev,
            key=key,
        )
        tamper(
            "UPDATE audit_auditevent SET actor_name = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [name, prev, digest, event.seq],
        )
        prev = digest
    ChainHead.objects.filter(pk=1).update(last_hash=prev)


def test_events_are_keyed_with_hmac_not_plain_sha256(db):
    event = append(1)[0]
    content = canonical_json(
        [
            event.seq,
            format_at(event.at),
            event.actor_id,
            event.actor_name,
            event.action,
            event.object_type,
            event.object_id,
            event.object_repr,
            event.before,
            event.after,
            event.ip,
            event.source,
            event.prev_hash,
        ]
    ).encode()
    assert event.hash == hmac.new(KEY.encode(), content, hashlib.sha256).hexdigest()
    assert event.hash != hashlib.sha256(content).hexdigest()


def test_the_issues_attack_rewriting_with_plain_sha256_is_caught(db):
    append(5)
    rewrite_from(3, key=None)
    status, output = run_verify()
    assert status == 1
    assert "审计链在第 3 号事件处断裂" in output and "未以审计密钥签名" in output


def test_rewriting_under_another_key_is_caught(db):
    append(4)
    rewrite_from(2, key=b"a-guessed-key-that-is-not-the-audit-key")
    result = verify_chain()
    assert not result.ok and result.broken_seq == 2 and "被改动" in result.reason


def test_legacy_sha256_events_stay_verifiable_and_the_cut_over_is_named(db):
    with override_settings(BANGBAN_AUDIT_KEY=""):
        append(3)
    assert verify_chain().keyed_from is None
    append(2)
    result = verify_chain()
    assert result.ok and result.checked == 5 and result.keyed_from == 4
    status, output = run_verify()
    assert status == 0
    assert "第 1–3 号事件为旧格式（SHA-256），自第 4 号事件起以审计密钥（HMAC-SHA256）签名" in output


def test_a_plain_event_after_the_cut_over_is_a_downgrade(db):
    with override_settings(BANGBAN_AUDIT_KEY=""):
        append(2)
    append(3)
    rewrite_from(4, key=None)
    result = verify_chain()
    assert not result.ok and result.broken_seq == 4 and "未以审计密钥签名" in result.reason


def test_a_downgrade_of_the_whole_keyed_part_is_caught_by_the_pinned_cut_over(db):
    with override_settings(BANGBAN_AUDIT_KEY=""):
        append(2)
    append(3)
    rewrite_from(3, key=None)  # every keyed event rewritten as legacy: the chain alone cannot tell
    assert verify_chain().ok
    with override_settings(BANGBAN_AUDIT_KEYED_FROM=3):
        result = verify_chain()
    assert not result.ok and result.broken_seq == 3 and "未以审计密钥签名" in result.reason


# --- anchors --------------------------------------------------------------------------------------


def anchor(tmp_path: Path) -> Path:
    status, output = command("anchor_audit_chain", "--dir", str(tmp_path))
    assert status == 0, output
    (path,) = sorted(tmp_path.glob("audit-anchor-*.json"), key=lambda p: p.stat().st_mtime)[-1:]
    return path


def test_the_head_is_anchored_outside_the_database_and_checks_against_the_live_chain(db, tmp_path):
    append(4)
    path = anchor(tmp_path)
    digest = json.loads(path.read_text())
    assert digest["seq"] == 4 and digest["head_hash"] == AuditEvent.objects.get(seq=4).hash
    assert digest["keyed_from"] == 1 and len(digest["signature"]) == 64
    assert not os.access(path, os.W_OK) or os.geteuid() == 0
    assert path.stat().st_mode & 0o222 == 0  # written read-only
    assert AuditEvent.objects.get(seq=5).action == "audit.anchor"  # the anchoring itself is audited
    append(3)  # the chain goes on growing: the anchor still holds
    status, output = command("verify_audit_anchor", str(path))
    assert status == 0
    assert "审计锚点与当前审计链一致：第 4 号事件" in output and "共 8 个事件" in output


def test_a_chain_rewritten_even_with_the_key_does_not_match_the_anchor(db, tmp_path):
    append(5)
    path = anchor(tmp_path)
    rewrite_from(2, key=KEY.encode())  # an attacker holding database and key recomputes everything
    assert verify_chain().ok  # the chain alone cannot tell …
    status, output = command("verify_audit_anchor", str(path))
    assert status == 1  # … the anchor can
    assert "与审计链不符：第 5 号事件的哈希" in output


def test_a_truncated_chain_does_not_match_the_anchor(db, tmp_path):
    append(3)
    path = anchor(tmp_path)
    tamper("DELETE FROM audit_auditevent WHERE seq >= %s", [3])
    ChainHead.objects.filter(pk=1).update(last_seq=2, last_hash=AuditEvent.objects.get(seq=2).hash)
    status, output = command("verify_audit_anchor", str(path))
    assert status == 1 and "锚定的第 3 号事件已不存在" in output


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(head_hash="f" * 64), "锚点签名无效"),
        (lambda d: d.update(seq=d["seq"] - 1), "锚点签名无效"),
        (lambda d: d.update(signature="0" * 64), "锚点签名无效"),
        (lambda d: d.update(seq="4"), "序号 seq 无效"),
        (lambda d: d.pop("signature"), "缺少签名"),
        (lambda d: d.update(format="other"), "格式不符"),
    ],
)
def test_a_digest_that_was_altered_is_refused(db, tmp_path, change, expected):
    append(4)
    digest = json.loads(anchor(tmp_path).read_text())
    change(digest)
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(digest))
    status, output = command("verify_audit_anchor", str(forged))
    assert status == 1 and expected in output


def test_a_digest_signed_with_another_key_is_refused(db, tmp_path):
    append(2)
    path = anchor(tmp_path)
    with override_settings(BANGBAN_AUDIT_KEY="another-key-of-another-installation-000"):
        status, output = command("verify_audit_anchor", str(path))
    assert status == 1 and "锚点签名无效" in output


def test_unreadable_and_invalid_files_are_refused_clearly(db, tmp_path):
    (tmp_path / "bad.json").write_text("{not json")
    status, output = command(
        "verify_audit_anchor", str(tmp_path / "bad.json"), str(tmp_path / "missing.json")
    )
    assert status == 1
    assert "不是有效的 JSON" in output and "无法读取锚点文件" in output


def test_a_broken_chain_is_not_anchored(db, tmp_path):
    append(3)
    tamper("UPDATE audit_auditevent SET actor_name = %s WHERE seq = %s", ["冒名者", 2])
    status, output = command("anchor_audit_chain", "--dir", str(tmp_path))
    assert status == 1 and "未写入审计锚点" in output and "第 2 号事件处断裂" in output
    assert list(tmp_path.iterdir()) == []


def test_the_anchor_is_a_daily_job_and_is_mailed_to_the_auditors(db, tmp_path):
    from bangban.audit.tasks import anchor_audit_head_daily
    from bangban.core.scheduler import registered_jobs

    assert registered_jobs()["audit.anchor_head"].task is anchor_audit_head_daily
    append(2)
    with override_settings(
        BANGBAN_AUDIT_ANCHOR_DIR=tmp_path, BANGBAN_AUDIT_ANCHOR_EMAILS=["audit@example.gov.cn"]
    ):
        outcome = anchor_audit_head_daily.call()
    assert outcome["ok"] and outcome["seq"] == 2
    (path,) = tmp_path.iterdir()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["audit@example.gov.cn"]
    mailed = mail.outbox[0].body
    assert json.loads(mailed[mailed.index("{") :]) == json.loads(path.read_text())


def test_production_refuses_to_start_without_its_own_audit_key():
    base = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "BANGBAN_SECRET_KEY": "s" * 60,
        "DATABASE_URL": "postgres://bangban@127.0.0.1:5432/bangban",
        "BANGBAN_VAR_DIR": os.environ.get("BANGBAN_VAR_DIR", "/tmp/bangban-var-test"),
    }
    root = Path(__file__).resolve().parents[3]

    def start(**env: str) -> str:
        run = subprocess.run(
            [sys.executable, "-c", "import config.settings.prod"],
            cwd=root,
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        return "" if run.returncode == 0 else run.stderr

    assert "BANGBAN_AUDIT_KEY 未设置" in start()
    assert "与 BANGBAN_SECRET_KEY 相同" in start(BANGBAN_AUDIT_KEY="s" * 60)
    assert "过短" in start(BANGBAN_AUDIT_KEY="short")
    assert start(BANGBAN_AUDIT_KEY="k" * 40) == ""


# --- the application's database role (PostgreSQL) ---------------------------------------------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles and triggers are PostgreSQL's"
)


@on_postgresql
def test_the_application_role_of_the_documented_set_up_cannot_disable_the_trigger(db):
    append(2)
    role = f"bangban_app_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        # The grants of docs/operations.md, "Database roles" (inside this test's transaction).
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
        cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_auditevent FROM {role}")
        cursor.execute(f"SET ROLE {role}")
        try:
            attempts = {
                "disable": "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
                "disable all": "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
                "drop": "DROP TRIGGER audit_event_append_only ON audit_auditevent",
                "replica": "SET session_replication_role = replica",
                "update": "UPDATE audit_auditevent SET actor_name = 'x' WHERE seq = 1",
                "delete": "DELETE FROM audit_auditevent WHERE seq = 2",
                "truncate": "TRUNCATE audit_auditevent",
            }
            refused = {}
            for name, sql in attempts.items():
                try:
                    with transaction.atomic():
                        cursor.execute(sql)
                except DatabaseError as exc:
                    refused[name] = str(exc)
            assert set(refused) == set(attempts), set(attempts) - set(refused)
            assert "must be owner" in refused["disable"] or "owner" in refused["disable"]
            # … while the application still works: it appends events as before.
            with transaction.atomic():
                append(1)
        finally:
            cursor.execute("RESET ROLE")
    assert verify_chain().ok and AuditEvent.objects.count() == 3
