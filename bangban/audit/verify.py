"""Re-derive the hash chain and name the first broken link."""

from __future__ import annotations

from dataclasses import dataclass

from .actions import GENESIS_HASH, event_hash
from .models import AuditEvent, ChainHead


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "ip",
    "source",
    "prev_hash",
    "hash",
)


def verify_chain(chunk_size: int = 5000) -> VerifyResult:
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    rows = AuditEvent.objects.order_by("seq").values_list(*FIELDS).iterator(chunk_size=chunk_size)
    for row in rows:
        values = dict(zip(FIELDS, row, strict=True))
        seq = values["seq"]
        if seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"缺少序号 {expected_seq} 的事件（可能被删除）")
        if values["prev_hash"] != expected_prev:
            return VerifyResult(False, checked, seq, "前序哈希不一致（前一事件被改动、删除或顺序被调整）")
        stored = values.pop("hash")
        if event_hash(**values) != stored:
            return VerifyResult(False, checked, seq, "事件内容与其哈希不符（事件被改动）")
        expected_prev = stored
        expected_seq += 1
        checked += 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != checked or head.last_hash != expected_prev):
        return VerifyResult(
            False,
            checked,
            checked + 1,
            f"链头记录到序号 {head.last_seq}，但只找到 {checked} 个事件（末尾事件被删除）",
        )
    return VerifyResult(True, checked)
