"""Open311 GeoReport v2 (docs/open311.md): the client applications allowed to file requests, and
what a request carried besides the case itself (where, and the requester's e-mail address).

Keys are stored as SHA-256 digests only (a key is 43 random URL-safe characters, so a fast digest
is enough); the key itself is shown once, when it is made (`manage.py open311_key create`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Client(models.Model):
    name = models.CharField("名称", max_length=80, unique=True)
    key_prefix = models.CharField("密钥前缀", max_length=12, help_text="密钥的前几位，用于辨认")
    key_digest = models.CharField("密钥摘要", max_length=64, unique=True, editable=False)
    is_active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间")
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "Open311 接入应用"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceRequest(models.Model):
    """One case filed through Open311: the only cases the public Open311 reads show."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.PROTECT, related_name="open311")
    client = models.ForeignKey(
        Client, verbose_name="接入应用", on_delete=models.PROTECT, related_name="requests"
    )
    lat = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    address_string = models.CharField("地址", max_length=250, blank=True)
    # Personal data: kept for the handlers' reply, never shown by the public reads.
    email = models.EmailField("电子邮箱", blank=True)
    created_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = verbose_name_plural = "Open311 诉求"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.client_id} → {self.ticket_id}"
