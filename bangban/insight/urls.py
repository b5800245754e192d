"""Pages of insight."""

from django.urls import path

from . import views

app_name = "insight"
urlpatterns = [
    path("routing/", views.routing, name="routing"),
    path("routing/train/", views.train, name="routing_train"),
    path("routing/settings/", views.settings, name="routing_settings"),
]
