"""Pages of the case system, split by area so each part has its own module."""

from django.urls import include, path

app_name = "tickets"
urlpatterns = [
    path("", include("bangban.tickets.urls_work")),
    path("intake/", include("bangban.tickets.urls_intake")),
    path("settings/", include("bangban.tickets.urls_config")),
]
