"""The pages of background exports, included in the site's root pages by the shell."""

from django.urls import path

from . import views

urlpatterns = [
    path("exports/", views.my_exports, name="exports"),
    path("exports/<uuid:job_id>/", views.export_status, name="export_status"),
    path("exports/<uuid:job_id>/download", views.export_download, name="export_download"),
]
