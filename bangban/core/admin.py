"""The Django admin is a read-only window for operators. Every change goes through the product's
own pages and API, where it is validated and audited; the admin would bypass both."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ScheduledRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.site_header = "帮办 涉企服务平台 · 后台（只读）"
admin.site.site_title = "帮办后台"


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdmin):
    list_display = ("job", "period", "claimed_at", "claimed_by", "task_id")
    list_filter = ("job",)
    search_fields = ("job", "period")
