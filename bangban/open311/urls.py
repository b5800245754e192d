"""Open311 GeoReport v2 (docs/open311.md), mounted at `/open311/v2/`."""

from django.urls import path

from . import views

app_name = "open311"
urlpatterns = [
    path("services.<str:fmt>", views.services, name="services"),
    path("services/<str:service_code>.<str:fmt>", views.service_definition, name="service"),
    path("requests.<str:fmt>", views.requests, name="requests"),
    path("requests/<str:service_request_id>.<str:fmt>", views.request_detail, name="request"),
]
