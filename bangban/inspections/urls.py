"""Pages of 双随机、一公开 (`/inspections/`)."""

from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/draw.xlsx", views.plan_export, name="plan_export"),
    path("tasks/", views.my_tasks, name="tasks"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("public/", views.public, name="public"),
    path("public/plans/<int:pk>/", views.public_plan, name="public_plan"),
    path("registers/", views.registers, name="registers"),
]
