from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from bangban.core.admin import ReadOnlyAdmin

from .models import ApiToken, RoleRecord, User


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "full_name", "unit", "rank", "is_active", "last_login")
    list_filter = ("is_active", "roles", "rank")
    search_fields = ("username", "full_name", "unit__name")
    list_select_related = ("unit",)
    exclude = ("password", "phone", "id_number", "user_permissions", "groups")


@admin.register(RoleRecord)
class RoleRecordAdmin(ReadOnlyAdmin):
    list_display = ("code", "__str__")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("key_prefix", "name", "user", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_select_related = ("user",)
    search_fields = ("name", "key_prefix", "user__username")
    exclude = ("key_hash",)


# Second-factor devices hold secrets (TOTP keys, recovery codes kept in clear by django-otp): they
# are never shown, not even in the read-only admin. Administrators reset a user's factor on the
# user's page instead (audited).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
