from django.contrib import admin

from bangban.core.admin import ReadOnlyAdmin

from .models import Region, Unit


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "parent", "official_code", "is_active")
    list_filter = ("level", "official_code", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("parent",)


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "short_name", "type", "site_level", "region", "parent", "is_active")
    list_filter = ("type", "site_level", "is_active")
    search_fields = ("code", "name", "short_name")
    list_select_related = ("region", "parent")
