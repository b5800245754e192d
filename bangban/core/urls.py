"""The kernel's own page, included in the site's root pages by the shell (`bangban.shell.urls`)."""

from django.urls import path

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]
