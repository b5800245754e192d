"""Pages of outreach, under /outreach/."""

from django.urls import path

from . import views_forums as forums
from . import views_policies as policies
from . import views_projects as projects

app_name = "outreach"
urlpatterns = [
    # R1 investment projects
    path("projects/", projects.project_list, name="project_list"),
    path("projects/export.xlsx", projects.project_export, name="project_export"),
    path("projects/new/", projects.project_create, name="project_create"),
    path("projects/<int:pk>/", projects.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="project_edit"),
    path("projects/<int:pk>/update/", projects.project_update, name="project_update"),
    path("projects/<int:pk>/procedures/", projects.procedure_add, name="procedure_add"),
    path("projects/<int:pk>/problems/", projects.problem_add, name="problem_add"),
    path("procedures/<int:pk>/progress/", projects.procedure_progress, name="procedure_progress"),
    path("problems/<int:pk>/", projects.problem_detail, name="problem_detail"),
    path("problems/<int:pk>/handle/", projects.problem_handle, name="problem_handle"),
    path("coordinations/", projects.coordination_list, name="coordination_list"),
    path("rounds/", projects.round_list, name="round_list"),
    path("rounds/export.xlsx", projects.round_export, name="round_export"),
    path("rounds/<int:pk>/", projects.round_detail, name="round_detail"),
    path("rounds/<int:pk>/submit/", projects.round_submit, name="round_submit"),
    path("overview/", projects.overview, name="overview"),
    path("overview/export.xlsx", projects.overview_export, name="overview_export"),
    # R4.1 / R13.1 policies
    path("policies/", policies.policy_list, name="policy_list"),
    path("policies/export.xlsx", policies.policy_export, name="policy_export"),
    path("policies/effects/", policies.policy_effects, name="policy_effects"),
    path("policies/effects.xlsx", policies.policy_effects, name="policy_effects_export"),
    path("policies/new/", policies.policy_create, name="policy_create"),
    path("policies/import/", policies.policy_import_upload, name="policy_import"),
    path("policies/import/template.xlsx", policies.policy_import_template, name="policy_import_template"),
    path("policies/import/<int:pk>/", policies.policy_import_preview, name="policy_import_preview"),
    path("policies/<int:pk>/", policies.policy_detail, name="policy_detail"),
    path("policies/<int:pk>/edit/", policies.policy_edit, name="policy_edit"),
    path("policies/<int:pk>/push/", policies.policy_push, name="policy_push"),
    path("policies/<int:pk>/deliveries.xlsx", policies.delivery_export, name="delivery_export"),
    path("pushes/<int:pk>/", policies.push_progress, name="push_progress"),
    path("my-policies/", policies.my_policies, name="my_policies"),
    path("my-policies/<int:pk>/", policies.my_policy, name="my_policy"),
    # R5 associations, supervisors, talks
    path("opinions/", forums.opinion_list, name="opinion_list"),
    path("opinions/export.xlsx", forums.opinion_export, name="opinion_export"),
    path("opinions/new/", forums.opinion_create, name="opinion_create"),
    path("opinions/<int:pk>/", forums.opinion_detail, name="opinion_detail"),
    path("associations/", forums.association_list, name="association_list"),
    path("associations/new/", forums.association_create, name="association_create"),
    path("associations/<int:pk>/accounts/", forums.association_accounts, name="association_accounts"),
    path("reports/", forums.report_list, name="report_list"),
    path("reports/export.xlsx", forums.report_export, name="report_export"),
    path("reports/new/", forums.report_create, name="report_create"),
    path("reports/<int:pk>/", forums.report_detail, name="report_detail"),
    path("events/", forums.event_list, name="event_list"),
    path("events/export.xlsx", forums.event_export, name="event_export"),
    path("events/new/", forums.event_create, name="event_create"),
    path("events/<int:pk>/", forums.event_detail, name="event_detail"),
    path("events/<int:pk>/attendance.xlsx", forums.attendance_export, name="attendance_export"),
    # R13 symposia
    path("symposia/", forums.symposium_list, name="symposium_list"),
    path("symposia/new/", forums.symposium_create, name="symposium_create"),
    path("symposia/<int:pk>/", forums.symposium_detail, name="symposium_detail"),
]
