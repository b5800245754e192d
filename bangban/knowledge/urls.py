"""Pages of the answer knowledge base (`/knowledge/`)."""

from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("export.xlsx", views.entry_export, name="export"),
    path("new/", views.entry_new, name="new"),
    path("<int:pk>/", views.entry_detail, name="detail"),
    path("<int:pk>/edit/", views.entry_edit, name="edit"),
    path("<int:pk>/retire/", views.entry_retire, name="retire"),
    path("<int:pk>/restore/", views.entry_restore, name="restore"),
]
