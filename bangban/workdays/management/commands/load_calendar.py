from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bangban.core.errors import ApplicationError
from bangban.workdays.loader import load_package

from ._common import command_context, years_text


class Command(BaseCommand):
    help = (
        "从 chinese_calendar 数据包载入法定节假日和调休安排（默认：数据包包含的全部年度）。"
        "可重复执行；管理员导入或手工调整的日期不会被覆盖。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", help="只载入该年度（可重复）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with command_context():
                report = load_package(options["year"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"数据包：chinesecalendar {report.version}")
        if report.changed:
            self.stdout.write(f"已载入或更新：{years_text(report.changed)}（{len(report.changed)} 个年度）")
        if report.unchanged:
            self.stdout.write(f"无变化：{years_text(report.unchanged)}")
        if report.skipped:
            self.stdout.write(f"跳过（管理员导入或维护的年度）：{years_text(report.skipped)}")
        if not (report.changed or report.unchanged or report.skipped):
            self.stdout.write("没有可载入的年度")
