"""`manage.py verify_audit_chain`: re-derive the audit hash chain and name the first broken link.
Exits with status 1 when the chain is broken (for cron and monitoring)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bangban.audit.verification import verify_now
from bangban.core.middleware import RequestContext, reset_context, set_context


class Command(BaseCommand):
    help = "校验审计日志哈希链：完整时输出事件总数，断裂时指出第一个断裂的事件并以非零状态退出"

    def handle(self, *args: Any, **options: Any) -> None:

        token = set_context(RequestContext(ip=None, user_agent="", source="command"))
        try:
            _, result = verify_now()
        finally:
            reset_context(token)
        if result.ok:
            self.stdout.write(result.message)
            if result.keyed_from is None:
                self.stdout.write("尚无以审计密钥（HMAC-SHA256）签名的事件")
            elif result.keyed_from > 1:
                self.stdout.write(
                    f"第 1–{result.keyed_from - 1} 号事件为旧格式（SHA-256），"
                    f"自第 {result.keyed_from} 号事件起以审计密钥（HMAC-SHA256）签名"
                )
            else:
                self.stdout.write("全部事件以审计密钥（HMAC-SHA256）签名")
            return
        self.stderr.write(result.message)
        raise SystemExit(1)
