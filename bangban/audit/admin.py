"""The audit log in the Django admin: read-only. Nobody adds, changes or deletes events here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent, ChainVerification


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "actor_name", "action", "object_type", "object_id", "object_repr", "ip"]
    list_filter = ["action", "source"]
    search_fields = ["actor_name", "object_repr", "object_id"]
    date_hierarchy = "at"
    ordering = ["-seq"]
    show_full_result_count = False


@admin.register(ChainVerification)
class ChainVerificationAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "finished_at", "ok", "checked", "broken_seq", "reason", "requested_by"]
    list_select_related = ["requested_by"]
