"""Anchoring the audit chain's head outside the database (R0.5).

Once a day (job `audit.anchor_head`) the chain is verified and a signed digest of its head — the
last sequence number, that event's hash, the first keyed event, the time — is written as a
read-only file to `BANGBAN_AUDIT_ANCHOR_DIR` and e-mailed to `BANGBAN_AUDIT_ANCHOR_EMAILS`. Both
live outside the database: whoever can rewrite the database (and even recompute the chain with the
key) cannot change a digest already delivered, and `manage.py verify_audit_anchor FILE` then shows
that the live chain no longer contains the anchored event.

The signature is HMAC-SHA256 under a key derived from `BANGBAN_AUDIT_KEY` (so a digest cannot be
forged by someone who has only the database), over the digest's canonical JSON without the
signature field.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .actions import GENESIS_HASH, audit_key, canonical_json, format_at, record
from .models import AuditEvent
from .verify import VerifyResult, verify_chain

FORMAT = "bangban-audit-anchor/1"
FIELDS = ("format", "seq", "head_hash", "keyed_from", "at")


class AnchorError(Exception):
    """A digest that cannot be used or does not match the chain; the message says why (Chinese)."""


def _signing_key() -> bytes:
    key = audit_key()
    if key is None:
        raise AnchorError("未配置审计密钥 BANGBAN_AUDIT_KEY，无法签署或校验审计锚点")
    return hmac.digest(key, b"bangban-audit-anchor", "sha256")


def sign(payload: dict[str, Any]) -> str:
    body = canonical_json({name: payload.get(name) for name in FIELDS})
    return hmac.digest(_signing_key(), body.encode("utf-8"), "sha256").hex()


def make_digest(result: VerifyResult, *, now: dt.datetime) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "format": FORMAT,
        "seq": result.checked,
        "head_hash": result.head_hash,
        "keyed_from": result.keyed_from,
        "at": format_at(now),
    }
    payload["signature"] = sign(payload)
    return payload


def write_digest(payload: dict[str, Any], directory: Path) -> Path:
    """Write the digest as a new read-only file (never overwriting one)."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = payload["at"][:10].replace("-", "")
    path = directory / f"audit-anchor-{stamp}-{payload['seq']:010d}.json"
    text = json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except FileExistsError:
        if path.read_text(encoding="utf-8") != text:
            raise AnchorError(f"锚点文件 {path} 已存在且内容不同") from None
        return path
    path.chmod(0o444)
    return path


@dataclass
class AnchorResult:
    ok: bool
    message: str
    digest: dict[str, Any] | None = None
    path: Path | None = None


def do_anchor_audit_head(*, now: dt.datetime | None = None, directory: Path | None = None) -> AnchorResult:
    """Verify the chain and, when it is intact, anchor its head outside the database; record one
    audit event `audit.anchor`. A broken chain is not anchored (the result says where it breaks)."""
    now = now or timezone.now()
    result = verify_chain()
    if not result.ok:
        return AnchorResult(False, f"未写入审计锚点：{result.message}")
    payload = make_digest(result, now=now)
    path = write_digest(payload, Path(directory or settings.BANGBAN_AUDIT_ANCHOR_DIR))
    recipients = list(getattr(settings, "BANGBAN_AUDIT_ANCHOR_EMAILS", []) or [])
    if recipients:
        send_mail(
            f"帮办审计锚点 第 {payload['seq']} 号事件 {payload['at'][:10]}",
            "以下为帮办审计日志哈希链的每日锚点，请原样保存（校验：manage.py verify_audit_anchor 文件）。\n\n"
            + json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True),
            None,
            recipients,
        )
    with transaction.atomic(durable=True):
        record(
            "audit.anchor",
            object_type="audit.chain",
            object_id=payload["seq"],
            object_repr=f"审计锚点 #{payload['seq']}",
            after={
                "seq": payload["seq"],
                "head_hash": payload["head_hash"],
                "file": path.name,
                "emailed": len(recipients),
            },
        )
    return AnchorResult(True, f"已写入审计锚点：第 {payload['seq']} 号事件，{path}", payload, path)


def load_digest(text: str) -> dict[str, Any]:
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise AnchorError(f"锚点文件不是有效的 JSON：{exc}") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise AnchorError(f"锚点文件格式不符（应为 {FORMAT}）")
    seq, head, keyed_from, signature = (
        payload.get("seq"),
        payload.get("head_hash"),
        payload.get("keyed_from"),
        payload.get("signature"),
    )
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise AnchorError("锚点文件的序号 seq 无效")
    if not isinstance(head, str) or len(head) != 64:
        raise AnchorError("锚点文件的链头哈希 head_hash 无效")
    if keyed_from is not None and (not isinstance(keyed_from, int) or isinstance(keyed_from, bool)):
        raise AnchorError("锚点文件的 keyed_from 无效")
    if not isinstance(signature, str) or not isinstance(payload.get("at"), str):
        raise AnchorError("锚点文件缺少签名或时间")
    return payload


def check_digest(payload: dict[str, Any]) -> str:
    """Check a digest against the live chain; return a summary, or raise AnchorError saying
    exactly what does not match."""
    if not hmac.compare_digest(sign(payload), str(payload["signature"])):
        raise AnchorError("锚点签名无效：锚点文件被改动，或不是用本系统的审计密钥签署的")
    seq, head = payload["seq"], payload["head_hash"]
    if seq == 0:
        if head != GENESIS_HASH:
            raise AnchorError("锚点签名无误，但空链的链头哈希不符")
    else:
        event = AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()
        if event is None:
            raise AnchorError(f"与审计链不符：锚定的第 {seq} 号事件已不存在（事件被删除或链被截断）")
        if event != head:
            raise AnchorError(
                f"与审计链不符：第 {seq} 号事件的哈希 {event[:16]}… 与锚点 {head[:16]}… 不同"
                "（该事件或其之前的事件被改写）"
            )
    result = verify_chain()
    if not result.ok:
        raise AnchorError(f"锚定的事件仍在，但{result.message}")
    if result.checked < seq:
        raise AnchorError(f"与审计链不符：链只有 {result.checked} 个事件，少于锚定的 {seq} 个")
    anchored_keyed = payload.get("keyed_from")
    if anchored_keyed is not None and result.keyed_from != anchored_keyed:
        raise AnchorError(
            f"与审计链不符：锚点记录自第 {anchored_keyed} 号事件起以密钥签名，当前链为 {result.keyed_from}"
        )
    return (
        f"审计锚点与当前审计链一致：第 {seq} 号事件哈希 {head[:16]}…（锚定于 {payload['at']}），"
        f"当前链完整，共 {result.checked} 个事件"
    )
