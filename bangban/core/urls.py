from django.urls import path

from . import views, views_exports

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("tasks/stalled/", views.stalled_tasks, name="stalled_tasks"),
    path("exports/", views_exports.my_exports, name="exports"),
    path("exports/<uuid:job_id>/", views_exports.export_status, name="export_status"),
    path("exports/<uuid:job_id>/download", views_exports.export_download, name="export_download"),
]
