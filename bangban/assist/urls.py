"""Pages of 帮办代办 (`/assist/`)."""

from django.urls import path

from . import views

app_name = "assist"
urlpatterns = [
    path("", views.index, name="index"),
    path("records/export.xlsx", views.record_export, name="record_export"),
    path("records/new/", views.record_new, name="record_new"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/qr.png", views.record_qr, name="record_qr"),
    path("errands/", views.errand_list, name="errands"),
    path("errands/<int:pk>/", views.errand_detail, name="errand_detail"),
    path("errands/<int:pk>/<str:action>/", views.errand_action, name="errand_action"),
    path("sites/", views.site_list, name="sites"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/roster/", views.roster_add, name="roster_add"),
    path("roster/<int:pk>/end/", views.roster_end, name="roster_end"),
    path("figures/", views.figures_page, name="figures"),
    path("figures/export.xlsx", views.figures_export, name="figures_export"),
    # The QR code / link an enterprise rates one service with (no account needed).
    path("r/<str:key>/", views.rate, name="rate"),
]
