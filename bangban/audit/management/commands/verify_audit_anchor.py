"""`manage.py verify_audit_anchor FILE …`: check daily anchors (signed digests of the audit
chain's head, kept outside the database) against the live chain. Exits with status 1 and says
what does not match when a digest is forged, altered, or no longer matches the chain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bangban.audit.anchor import AnchorError, check_digest, load_digest


class Command(BaseCommand):
    help = "用数据库之外保存的审计锚点文件校验当前审计链：一致时输出摘要，不符时说明原因并以非零状态退出"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="审计锚点文件（audit-anchor-*.json）")

    def handle(self, *args: Any, **options: Any) -> None:

        failed = False
        for name in options["files"]:
            try:
                try:
                    text = Path(name).read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    raise AnchorError(f"无法读取锚点文件：{exc}") from None
                summary = check_digest(load_digest(text))
            except AnchorError as exc:
                failed = True
                self.stderr.write(f"{name}：{exc}")
                continue
            self.stdout.write(f"{name}：{summary}")
        if failed:
            raise SystemExit(1)
