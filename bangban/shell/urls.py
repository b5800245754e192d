"""The site's root pages: the home page, the kernel's health check, background exports and the
stalled-task page. They keep the `core` namespace they always had (`core:home`, `core:exports` …),
so that every link, redirect and setting naming them stays the same."""

from django.urls import path

from bangban.core import urls as kernel_urls
from bangban.exports import urls as exports_urls

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    *kernel_urls.urlpatterns,
    path("tasks/stalled/", views.stalled_tasks, name="stalled_tasks"),
    *exports_urls.urlpatterns,
]
