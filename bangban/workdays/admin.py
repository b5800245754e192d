"""Read-only in the Django admin: the calendar is changed through the 工作日历 pages, the API or the
commands, which audit every change and tell every process to rebuild its calendar."""

from django.contrib import admin

from bangban.core.admin import ReadOnlyAdmin

from .models import CalendarDay, CalendarVersion, CalendarYear


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "source", "loaded_at", "loaded_by", "note")
    list_filter = ("source",)
    list_select_related = ("loaded_by",)


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ("date", "kind", "name", "source", "updated_at")
    list_filter = ("kind", "source")
    search_fields = ("name",)
    date_hierarchy = "date"


@admin.register(CalendarVersion)
class CalendarVersionAdmin(ReadOnlyAdmin):
    list_display = ("token", "changed_at")
