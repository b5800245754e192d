"""`manage.py open311_key create NAME --by ADMIN`: a new Open311 client, its key printed once.
`open311_key list`; `open311_key revoke NAME --by ADMIN`. Each change is audited as the named
administrator."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bangban.accounts.models import User
from bangban.core.errors import ApplicationError
from bangban.open311.actions import do_create_client, do_revoke_client
from bangban.open311.models import Client


class Command(BaseCommand):
    help = "管理 Open311 接入应用：create 名称 --by 管理员账号（密钥只显示一次）、list、revoke 名称 --by 管理员账号"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["create", "list", "revoke"])
        parser.add_argument("name", nargs="?", default="")
        parser.add_argument("--by", default="", help="执行操作的系统管理员账号（记入审计日志）")

    def handle(self, *args: Any, operation: str, name: str, by: str, **options: Any) -> None:
        if operation == "list":
            for client in Client.objects.all():
                state = "启用" if client.is_active else "已停用"
                self.stdout.write(
                    f"{client.name}\t{client.key_prefix}…\t{state}\t{client.created_at:%Y-%m-%d}"
                )
            return
        if not name:
            raise CommandError("请提供接入应用名称")
        user = User.objects.filter(username=by).first() if by else None
        if user is None:
            raise CommandError("请用 --by 指定执行操作的系统管理员账号")
        try:
            if operation == "create":
                client, key = do_create_client(acting_user=user, name=name, now=timezone.now())
                self.stdout.write(f"已创建接入应用“{client.name}”。密钥（只显示这一次，请妥善保存）：")
                self.stdout.write(key)
            else:
                client = do_revoke_client(acting_user=user, name=name, now=timezone.now())
                self.stdout.write(f"接入应用“{client.name}”已停用")
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
