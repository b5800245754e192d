"""Settings pages under /cases/settings/."""

from django.urls import path

from . import views_config as v

urlpatterns = [
    path("", v.settings_index, name="config_index"),
    path("categories/", v.categories, name="config_categories"),
    path("categories/<int:pk>/", v.category_edit, name="config_category_edit"),
    path("categories/<int:pk>/toggle/", v.category_toggle, name="config_category_toggle"),
    path("categories/import/", v.category_import, name="config_category_import"),
    path("categories/import/apply/", v.category_import_apply, name="config_category_import_apply"),
    path("routing/", v.routing, name="config_routing"),
    path("routing/<int:pk>/", v.routing_edit, name="config_routing_edit"),
    path("routing/<int:pk>/delete/", v.routing_delete, name="config_routing_delete"),
    path("deadlines/", v.deadlines, name="config_deadlines"),
]
