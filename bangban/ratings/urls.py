"""Pages of ratings."""

from django.urls import path

from . import views

app_name = "ratings"
urlpatterns: list = [
    path("", views.index, name="index"),
    # The per-case QR code was removed (issue #11): its old links answer 410 with the reason.
    path("q/c/<str:token>/", views.case_qr_gone, name="case_qr_gone"),
    path("q/w/<str:key>/", views.window_qr, name="window_qr"),
    path("s/<str:token>/", views.subject_page, name="subject"),
    path("m/<str:token>/", views.sms_page, name="sms"),
    path("cases/<int:ticket_id>/", views.case_rate, name="case_rate"),
    path("cases/<int:ticket_id>/qr.<str:fmt>", views.case_qr_gone, name="case_qr_image_gone"),
    path("windows/", views.windows, name="windows"),
    path("windows/<int:window_id>/qr.<str:fmt>", views.window_qr_image, name="window_qr_image"),
    path("rectifications/", views.rect_queue, name="rect_queue"),
    path("rectifications/<int:rect_id>/", views.rect_detail, name="rect_detail"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:ticket_id>/", views.follow_up_case, name="follow_up_case"),
    path("rechecks/", views.rechecks, name="rechecks"),
    path("rechecks/<int:draw_id>/", views.recheck_detail, name="recheck_detail"),
    path("rechecks/enterprises/", views.enterprise_rechecks, name="enterprise_rechecks"),
    path("rechecks/enterprises/<int:recheck_id>/", views.enterprise_recheck, name="enterprise_recheck"),
    path("figures/", views.figures, name="figures"),
    path("audit/", views.audit, name="audit"),
]
