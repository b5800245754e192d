"""Pages of network (`/network/`)."""

from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("", views.index, name="index"),
    path("assignments/", views.assignment_list, name="assignments"),
    path("assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("assignments/import/", views.import_upload, name="import"),
    path("assignments/import/template.xlsx", views.import_template, name="import_template"),
    path("assignments/import/<int:batch_id>/", views.import_preview, name="import_preview"),
    path("assignments/import/<int:batch_id>/apply/", views.import_apply, name="import_apply"),
    path("assignments/import/<int:batch_id>/cancel/", views.import_cancel, name="import_cancel"),
    path("enterprises/<int:pk>/", views.enterprise_history, name="enterprise_history"),
    path("coverage/", views.coverage, name="coverage"),
    path("mine/", views.mine, name="mine"),
    path("contacts/", views.contact_list, name="contacts"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/photos/<int:photo_id>/", views.contact_photo, name="contact_photo"),
    path("leader-visits/new/", views.leader_visit_create, name="leader_visit_create"),
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/export.xlsx", views.compliance_export, name="compliance_export"),
    path("verification/", views.verification_results, name="verification"),
    path("enterprise/", views.enterprise_page, name="enterprise"),
    path("v/<str:token>/", views.verify_link, name="verify_link"),
    path("help-meetings/", views.help_meeting_list, name="help_meetings"),
    path("help-meetings/new/", views.help_meeting_create, name="help_meeting_create"),
    path("help-meetings/export.xlsx", views.help_ledger_export, name="help_ledger_export"),
    path("help-meetings/<int:pk>/", views.help_meeting_detail, name="help_meeting_detail"),
]
