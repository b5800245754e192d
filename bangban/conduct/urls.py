"""Pages of conduct (`/conduct/`)."""

from django.urls import path

from . import views

app_name = "conduct"
urlpatterns = [
    path("", views.entry_list, name="entries"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("unregistered/new/", views.unregistered_create, name="unregistered_create"),
    path("gate/", views.gate_print, name="gate_print"),
    path("g/<int:enterprise_id>/<str:token>/", views.gate_scan, name="gate_scan"),
    path("negative-list/", views.negative_list, name="negative_list"),
    path("negative-list/new/", views.negative_list_new, name="negative_list_new"),
    path("negative-list/<int:pk>/", views.negative_list, name="negative_list_version"),
    path("flags/", views.flags, name="flags"),
    path("figures/", views.figures, name="figures"),
    path("figures/export.xlsx", views.figures_export, name="figures_export"),
    path("settings/", views.settings_page, name="settings"),
    # 直通车企业、观察点 and the 问题清单 (R7.1)
    path("ztc/", views.designations, name="designations"),
    path("ztc/export.xlsx", views.designations_export, name="designations_export"),
    path("ztc/new/", views.designation_new, name="designation_new"),
    path("ztc/<int:pk>/end/", views.designation_end, name="designation_end"),
    path("ztc/calls/new/", views.return_call_new, name="return_call_new"),
    path("problems/", views.problems, name="problems"),
    path("problems/export.xlsx", views.problems_export, name="problems_export"),
    path("problems/new/", views.problem_new, name="problem_new"),
    path("problems/<int:pk>/", views.problem_detail, name="problem_detail"),
    path("problems/monthly/", views.problems_monthly, name="problems_monthly"),
    path("problems/monthly/export.xlsx", views.problems_monthly_export, name="problems_monthly_export"),
]

# 随手拍 and the complaint phone (views/snap.py, views/snap_public.py).
urlpatterns += [
    path("snap/", views.snap_new, name="snap_new"),
    path("snap/done/", views.snap_done, name="snap_done"),
    path("snap/track/", views.snap_track, name="snap_track"),
    path("snap/board/", views.snap_board, name="snap_board"),
    path("snap/unit/", views.snap_unit, name="snap_unit"),
    path("snaps/", views.snap_queue, name="snap_queue"),
    path("snaps/export.xlsx", views.snap_export, name="snap_export"),
    path("snaps/phone/", views.snap_phone, name="snap_phone"),
    path("snaps/<int:pk>/", views.snap_detail, name="snap_detail"),
]
