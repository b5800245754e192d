"""`manage.py restore_drill --from DIR`: restore a backup into a scratch database and check it
against its manifest; exits with status 1 on any difference (docs/operations.md §5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from bangban.shell.backup.drill import DEFAULT_SAMPLE, run_drill
from bangban.shell.backup.manifest import BackupError


class Command(BaseCommand):
    help = "恢复演练：把备份恢复到临时数据库，核对行数、审计链与媒体文件；任何不一致以非零状态退出"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from", dest="source", required=True, help="备份目录（manage.py backup 的输出）"
        )
        parser.add_argument("--keep", action="store_true", help="演练后保留临时数据库")
        parser.add_argument(
            "--sample",
            type=int,
            default=DEFAULT_SAMPLE,
            help=f"抽查校验和的媒体文件数（默认 {DEFAULT_SAMPLE}，0 为全部）",
        )
        parser.add_argument(
            "--server-url",
            default="",
            help="建临时库用的 PostgreSQL 地址（角色须有 CREATEDB 权限）；默认为 DATABASE_URL 所在服务器",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        server = dict(connections[DEFAULT_DB_ALIAS].settings_dict)
        if options["server_url"]:
            parsed = dj_database_url.parse(options["server_url"])
            server.update(
                {
                    key: parsed.get(key, server.get(key))
                    for key in ("ENGINE", "HOST", "PORT", "USER", "PASSWORD")
                }
            )
            server["OPTIONS"] = parsed.get("OPTIONS", {})
        try:
            report = run_drill(
                Path(options["source"]),
                server,
                now=timezone.now(),
                keep=options["keep"],
                sample=options["sample"],
                write=self.stdout.write,
            )
        except BackupError as exc:
            self.stderr.write(f"✗ {exc}")
            self.stderr.write("结论 / result: 演练失败 / FAILED")
            raise SystemExit(1) from exc
        if report.ok:
            self.stdout.write("结论 / result: 演练通过 / PASSED")
            return
        self.stderr.write(f"结论 / result: 演练失败 / FAILED（{len(report.failures)} 项不一致 / mismatches）")
        raise SystemExit(1)
