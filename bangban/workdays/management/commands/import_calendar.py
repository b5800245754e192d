from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bangban.core.errors import ApplicationError
from bangban.workdays.actions import do_import_year

from ._common import command_context


class Command(BaseCommand):
    help = (
        "导入某年度的工作日历（.xlsx 或 .csv；列：日期、类型、名称），整体替换该年度的节假日和调休安排。"
        "有任何错误时不写入。例：import_calendar 2027 2027年节假日.xlsx --user admin"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="记为由该管理员导入（用户名；须为系统管理员）")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"没有该用户：{options['user']}")
        try:
            with path.open("rb") as handle, command_context():
                result = do_import_year(
                    acting_user=user, year=options["year"], uploaded_file=File(handle, name=path.name)
                )
        except ApplicationError as exc:
            for row in exc.details or []:
                self.stderr.write(f"第 {row['row']} 行：{row['message']}")
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"已导入 {result.year} 年日历：节假日 {result.holidays} 天，调休上班 {result.workdays} 天"
            f"（替换原有调整 {result.replaced} 条）"
        )
        for warning in result.warnings:
            self.stdout.write(f"提示：第 {warning['row']} 行：{warning['message']}")
