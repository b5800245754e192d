"""The kernel's own pages (health, readiness, metrics), included in the site's root pages by the shell
(`bangban.shell.urls`)."""

from django.urls import path

from . import metrics, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("favicon.ico", views.favicon, name="favicon"),
]
