"""`make run`: the web server, one task worker and the scheduler in one terminal.

Production runs them as separate services (docs/operations.md); this command is for trying the
product on one machine. Ctrl-C stops all three.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from bangban.accounts.demo_accounts import demo_account_lines


class Command(BaseCommand):
    help = "启动网站、任务进程（task_worker）和定时调度（scheduler）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="网站监听地址")

    def handle(self, *args: Any, addr: str, **options: Any) -> None:
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        processes = {
            "web": subprocess.Popen([*manage, "runserver", addr, "--noreload"]),
            "worker": subprocess.Popen([*manage, "task_worker", "--interval", "1", "--no-reload"]),
            "scheduler": subprocess.Popen([*manage, "scheduler"]),
        }
        self.stdout.write(self.style.SUCCESS(f"\n帮办已启动：http://{addr}/"))
        self.stdout.write("示范账号（密码相同）：")
        for line in demo_account_lines():
            self.stdout.write(f"  {line}")
        self.stdout.write("按 Ctrl-C 停止。\n")

        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, proc in processes.items():
                    if proc.poll() is not None:
                        self.stderr.write(f"{name} 进程已退出（代码 {proc.returncode}），正在停止其他进程")
                        stopping = True
                time.sleep(0.5)
        finally:
            for proc in processes.values():
                if proc.poll() is None:
                    proc.terminate()
            for proc in processes.values():
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
