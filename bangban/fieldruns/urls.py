"""Pages of 局长跑现场 (`/fieldruns/`)."""

from django.urls import path

from . import views

app_name = "fieldruns"
urlpatterns = [
    path("", views.run_list, name="list"),
    path("new/", views.run_new, name="new"),
    path("<int:pk>/", views.run_detail, name="detail"),
    path("yearly/", views.yearly, name="yearly"),
    path("yearly/export.xlsx", views.yearly_export, name="yearly_export"),
]
