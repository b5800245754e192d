"""Pages of the leniency registers (`/leniency/`)."""

from django.urls import path

from . import views

app_name = "leniency"
urlpatterns = [
    path("", views.decision_list, name="decisions"),
    path("decisions/export.xlsx", views.decision_export, name="decision_export"),
    path("decisions/new/", views.decision_aid, name="decision_aid"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/export.xlsx", views.catalogue_export, name="catalogue_export"),
    path("catalogue/template.xlsx", views.catalogue_template, name="catalogue_template"),
    path("catalogue/<int:pk>/retire/", views.item_retire, name="item_retire"),
    path("catalogue/import/", views.import_upload, name="import"),
    path("catalogue/import/<int:pk>/", views.import_preview, name="import_preview"),
    path("figures/", views.figures, name="figures"),
    path("figures/export.xlsx", views.figures_export, name="figures_export"),
]
