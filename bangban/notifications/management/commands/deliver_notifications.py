"""`manage.py deliver_notifications`: run one sweep of the outbox in this process (what the
scheduler's minute job does through the task queue)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from bangban.notifications.delivery import deliver_due


class Command(BaseCommand):
    help = "立即发送到期的待发消息（一次）"

    def handle(self, *args: Any, **options: Any) -> None:

        result = deliver_due(timezone.now())
        labels = {"sent": "已发送", "retry": "待重试", "failed": "发送失败", "skipped": "跳过"}
        parts = [f"{labels.get(k, k)} {v}" for k, v in sorted(result.outcomes.items())]
        self.stdout.write(f"本次处理 {result.total} 条消息" + (f"：{'，'.join(parts)}" if parts else ""))
