from typing import Any

from django.core.management.base import BaseCommand

from bangban.shell.demo import load_demo_city


class Command(BaseCommand):
    help = "载入示范城市（宿迁市）的区划、单位、企业和示范账号；重复执行不会产生重复数据"

    def handle(self, *args: Any, **options: Any) -> None:

        summary = load_demo_city()
        for line in summary:
            self.stdout.write(line)
