from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("units/", views.units, name="units"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/active/", views.unit_active, name="unit_active"),
    path("regions/", views.regions, name="regions"),
    path("regions/new/", views.region_create, name="region_create"),
    path("regions/<str:code>/edit/", views.region_edit, name="region_edit"),
    path("regions/<str:code>/active/", views.region_active, name="region_active"),
]
