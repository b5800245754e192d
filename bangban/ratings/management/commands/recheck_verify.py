"""`manage.py recheck_verify 2026 10`: recompute a month's 回头看 draw from its stored seed and
population and compare it with the stored sample and with today's population."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bangban.ratings.models import RecheckDraw
from bangban.ratings.recheck import rederive


class Command(BaseCommand):
    help = "重新推导并核对某月回头看抽样"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("month", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        draw = RecheckDraw.objects.filter(year=options["year"], month=options["month"]).first()
        if draw is None:
            raise CommandError(f"{options['year']}年{options['month']}月没有回头看抽样")
        result = rederive(draw)
        for line in result.lines:
            self.stdout.write(line)
        if not result.ok:
            raise CommandError("抽样与存档不一致")
