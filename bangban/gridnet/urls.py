"""The 一张网 connector (docs/gridnet.md), mounted at `/gridnet/`."""

from django.urls import path

from . import views

app_name = "gridnet"
urlpatterns = [
    path("v1/orders", views.orders, name="orders"),
    path("", views.ledger, name="ledger"),
    path("export.xlsx", views.ledger_export, name="ledger_export"),
]
