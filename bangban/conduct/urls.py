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
