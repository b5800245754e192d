from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bangban.core.errors import ApplicationError
from bangban.workdays.arithmetic import SHANGHAI
from bangban.workdays.service import parse_instant, quote_between, quote_due

from ._common import years_text


def _shown(text: str) -> str:
    """The receipt as typed: a date stays a date; a time is shown in Asia/Shanghai."""
    text = text.strip()
    if len(text) <= 10:
        return text
    return parse_instant(text).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


class Command(BaseCommand):
    help = (
        "计算期限：受理时间 + N 个工作日（受理当日不计，截止于第 N 个工作日 23:59:59，Asia/Shanghai）。"
        "例：due_date 2026-09-30 5；due_date 2026-09-30T18:00 5；due_date --between 2026-09-30 2026-10-13"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("received", nargs="?", help="受理日期或时间，如 2026-09-30 或 2026-09-30T18:00")
        parser.add_argument("n", nargs="?", help="工作日数（≥ 0 的整数）")
        parser.add_argument(
            "--between",
            nargs=2,
            metavar=("START", "END"),
            help="改为统计两个时间之间的工作日数（不含起始日，含结束日）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["between"]:
                self.stdout.write(self._between(*options["between"]))
            else:
                if options["received"] is None or options["n"] is None:
                    raise CommandError("请给出受理时间和工作日数，例如：due_date 2026-09-30 5")
                self.stdout.write(self._due(options["received"], options["n"]))
        except ApplicationError as exc:
            raise CommandError(exc.message) from None

    def _due(self, received: str, n_text: str) -> str:
        try:
            n = int(n_text)
        except ValueError:
            raise CommandError(f"工作日数必须是整数：{n_text}") from None
        if n < 0:
            raise CommandError("工作日数不能为负数")
        quote = quote_due(parse_instant(received), n)
        due = quote.due
        line = (
            f"{_shown(received)} + {n} 个工作日 → {due.date.isoformat()}"
            f"（截止 {due.at.strftime('%Y-%m-%d %H:%M:%S')}，Asia/Shanghai）"
        )
        if quote.provisional:
            line += f"【临时：{years_text(quote.unloaded_years)} 年日历尚未载入，仅按周末推算】"
        return line

    def _between(self, start: str, end: str) -> str:
        quote = quote_between(parse_instant(start), parse_instant(end))
        line = f"{_shown(start)} → {_shown(end)}：{quote.workdays} 个工作日（不含起始日，含结束日）"
        if quote.provisional:
            line += f"【临时：{years_text(quote.unloaded_years)} 年日历尚未载入，仅按周末推算】"
        return line
