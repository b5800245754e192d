from typing import Any

from django.core.management.base import BaseCommand

from bangban.core.scheduler import run_forever, tick


class Command(BaseCommand):
    help = "定时调度：按周期领取并派发定时任务（可多实例运行，不会重复执行）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="只检查一次后退出")
        parser.add_argument("--interval", type=float, default=15.0, help="检查间隔（秒）")

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:

        if once:
            for line in tick():
                self.stdout.write(line)
            return
        run_forever(interval, self.stdout.write)
