from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="events"),
    path("<int:seq>/", views.event_detail, name="event"),
    path("export/", views.export_events, name="export"),
    path("verify/", views.verify_start, name="verify"),
    path("verify/<int:pk>/", views.verify_status, name="verification"),
]
