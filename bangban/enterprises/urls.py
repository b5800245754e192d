from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("mine/", views.my_enterprise, name="mine"),
    path("new/", views.enterprise_create, name="create"),
    path("export.xlsx", views.enterprise_export, name="export"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/deactivate/", views.enterprise_set_active, {"active": False}, name="deactivate"),
    path("<int:pk>/reactivate/", views.enterprise_set_active, {"active": True}, name="reactivate"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:batch_id>/", views.import_preview, name="import_preview"),
    path("import/<int:batch_id>/apply/", views.import_apply, name="import_apply"),
    path("import/<int:batch_id>/cancel/", views.import_cancel, name="import_cancel"),
    path("import/<int:batch_id>/errors.xlsx", views.import_errors, name="import_errors"),
]
