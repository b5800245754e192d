"""Pages of hotspots (堵点), mounted at /insight/hotspots/."""

from django.urls import path

from . import hotspots_views as views

app_name = "insight_hotspots"
urlpatterns = [
    path("", views.hotspot_list, name="list"),
    path("run/", views.hotspot_run, name="run"),
    path("progress/", views.hotspot_progress, name="progress"),
    path("<int:pk>/", views.hotspot_detail, name="detail"),
    path("<int:pk>/escalate/", views.hotspot_escalate, name="escalate"),
]
