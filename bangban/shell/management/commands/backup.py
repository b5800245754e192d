"""`manage.py backup --out DIR`: the database (pg_dump, or SQLite's online backup), every media
file and a manifest with row counts, the audit chain's head and checksums (docs/operations.md §5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bangban.shell.backup.make import make_backup
from bangban.shell.backup.manifest import BackupError


class Command(BaseCommand):
    help = "备份数据库与媒体文件到一个新目录，并写出清单（各表行数、审计链头、文件校验和）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="备份目录（不存在或为空）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            make_backup(Path(options["out"]), now=timezone.now(), write=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
