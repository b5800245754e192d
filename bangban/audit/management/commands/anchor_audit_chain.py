"""`manage.py anchor_audit_chain`: verify the audit chain and anchor its head now (what the daily
job `audit.anchor_head` does): a signed digest file in BANGBAN_AUDIT_ANCHOR_DIR (or --dir), e-mailed
to BANGBAN_AUDIT_ANCHOR_EMAILS. Exits with status 1, writing nothing, when the chain is broken."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bangban.audit.anchor import do_anchor_audit_head
from bangban.core.middleware import RequestContext, reset_context, set_context


class Command(BaseCommand):
    help = "校验审计链并把链头锚定到数据库之外（签名的锚点文件，并发送给审计人员）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=None, help="锚点目录（默认 BANGBAN_AUDIT_ANCHOR_DIR）")

    def handle(self, *args: Any, **options: Any) -> None:

        token = set_context(RequestContext(ip=None, user_agent="", source="command"))
        try:
            result = do_anchor_audit_head(directory=Path(options["dir"]) if options["dir"] else None)
        finally:
            reset_context(token)
        if not result.ok:
            self.stderr.write(result.message)
            raise SystemExit(1)
        self.stdout.write(result.message)
