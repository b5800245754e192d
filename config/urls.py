from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from bangban.accounts import views as accounts_views
from bangban.core.api import api_not_found
from bangban.shell.api import api, compose

compose(api)  # the apps' routers and token authentication (done once, by ShellConfig.ready)

# Chinese error pages (bangban/core/error_pages.py); a lost database connection raised by
# middleware answers 503 like one raised by a view.
handler400 = "bangban.core.error_pages.bad_request"
handler403 = "bangban.core.error_pages.permission_denied"
handler404 = "bangban.core.error_pages.page_not_found"
handler500 = "bangban.core.error_pages.server_error"

urlpatterns: list = [
    path("", include("bangban.shell.urls")),
    path("accounts/", include("bangban.accounts.urls")),
    path("org/", include("bangban.org.urls")),
    path("enterprises/", include("bangban.enterprises.urls")),
    path("workdays/", include("bangban.workdays.urls")),
    path("audit/", include("bangban.audit.urls")),
    path("notifications/", include("bangban.notifications.urls")),
    path("cases/", include("bangban.tickets.urls")),
    path("knowledge/", include("bangban.knowledge.urls")),
    path("escalation/", include("bangban.escalation.urls")),
    path("ratings/", include("bangban.ratings.urls")),
    path("network/", include("bangban.network.urls")),
    path("assist/", include("bangban.assist.urls")),
    path("outreach/", include("bangban.outreach.urls")),
    path("fieldruns/", include("bangban.fieldruns.urls")),
    path("conduct/", include("bangban.conduct.urls")),
    path("leniency/", include("bangban.leniency.urls")),
    path("inspections/", include("bangban.inspections.urls")),
    path("supervision/", include("bangban.supervision.urls")),
    path("insight/hotspots/", include("bangban.insight.hotspots_urls")),
    path("insight/", include("bangban.insight.urls")),
    path("open311/v2/", include("bangban.open311.urls")),
    path("gridnet/", include("bangban.gridnet.urls")),
    path("api/v1/", api.urls),
    # The admin site signs in through the project's login (lock-out, second factor).
    path("django-admin/login/", accounts_views.admin_login),
    re_path(r"^api/", api_not_found),  # an address under /api/ that no operation serves: JSON 404
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
