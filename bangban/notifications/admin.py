"""The outbox and inboxes in the Django admin: for inspection. The workflow fields are read-only;
retrying a failed message is done on the outbox page, where it is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import InAppMessage, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "channel",
        "recipient",
        "address",
        "subject",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["subject", "address", "dedupe_key"]
    list_select_related = ["recipient"]
    # The text of a one-time message waiting to be sent (`sealed_body`) is never shown; its
    # `body` is a placeholder from the moment it is queued.
    fields = [f.name for f in OutboxMessage._meta.fields if f.name != "sealed_body"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields if f.name != "sealed_body"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InAppMessage)
class InAppMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "subject", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["subject"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in InAppMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
