"""People, their roles and scopes, API tokens — R0.4."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from .roles import Rank, Role


class RoleRecord(models.Model):
    """One row per role, so that users can hold several and lists can filter by role in SQL."""

    code = models.CharField("角色编码", max_length=40, primary_key=True, choices=Role.choices)

    class Meta:
        verbose_name = verbose_name_plural = "角色"

    def __str__(self) -> str:
        return Role(self.code).label

    @staticmethod
    def for_codes(codes: Iterable[str]) -> list[RoleRecord]:
        """The rows for these role codes, creating any that are missing: the rows mirror the
        `Role` enumeration, which is the source of truth (a migration seeds them, but a database
        restored or flushed without them must not silently drop roles)."""
        wanted = {Role(code).value for code in codes}
        existing = {r.code: r for r in RoleRecord.objects.filter(code__in=wanted)}
        missing = [RoleRecord(code=code) for code in wanted - existing.keys()]
        if missing:
            RoleRecord.objects.bulk_create(missing, ignore_conflicts=True)
            existing = {r.code: r for r in RoleRecord.objects.filter(code__in=wanted)}
        return [existing[code] for code in sorted(wanted)]


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="所在单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    rank = models.CharField("职级", max_length=20, choices=Rank.choices, blank=True)
    title = models.CharField("职务", max_length=50, blank=True)
    roles = models.ManyToManyField(RoleRecord, verbose_name="角色", blank=True, related_name="users")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="所属企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="企业用户必填：只能看到本企业的数据",
    )
    failed_login_count = models.PositiveIntegerField("连续登录失败次数", default=0, editable=False)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True, editable=False)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def role_codes(self) -> frozenset[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset() if self.pk is None else frozenset(self.roles.values_list("code", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes() & set(roles))

    def is_locked(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.locked_until and self.locked_until > now)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for an integration. Only its hash is stored; the raw value is shown once."""

    PREFIX = "bb_"

    user = models.ForeignKey(
        User, verbose_name="所属用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("用途", max_length=80)
    key_prefix = models.CharField("前缀", max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        User, verbose_name="创建人", null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True, editable=False)
    expires_at = models.DateTimeField("有效期至", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def generate_raw(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
