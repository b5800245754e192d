from django.urls import path

from . import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("due", views.due_view, name="due"),
    path("between", views.between_view, name="between"),
    path("days/set", views.set_day_view, name="set_day"),
    path("days/remove", views.remove_day_view, name="remove_day"),
    path("import", views.import_view, name="import"),
    path("template.xlsx", views.template_view, name="template"),
]
