"""Intake pages under /cases/intake/."""

from django.urls import path

from . import views_intake as v

urlpatterns = [
    path("", v.intake_index, name="intake_index"),
    path("hotline/", v.intake_hotline, name="intake_hotline"),
    path("window/", v.intake_window, name="intake_window"),
    path("window/counter/", v.intake_counter, name="intake_counter"),
    path("new/", v.intake_portal, name="intake_new"),
    path("mayor/", v.intake_mayor, name="intake_mayor"),
    path("mayor/done/", v.intake_mayor_done, name="intake_mayor_done"),
    path("mayor/track/", v.intake_mayor_track, name="intake_mayor_track"),
    path("mayor/enterprises/", v.public_enterprise_search, name="intake_public_enterprise_search"),
    path("privacy/", v.privacy_notice, name="privacy_notice"),
    path("mayor/register/", v.intake_mayor_register, name="intake_mayor_register"),
    path("report/", v.intake_report, name="intake_report"),
    path("done/<int:pk>/", v.intake_done, name="intake_done"),
    path("enterprises/", v.enterprise_search, name="intake_enterprise_search"),
]
