"""Pages of escalation."""

from django.urls import path

from . import views

app_name = "escalation"
urlpatterns = [
    path("", views.index, name="index"),
    path("tiers/", views.tiers, name="tiers"),
    path("cases/<int:ticket_id>/escalate/", views.escalate, name="escalate"),
    path("cases/<int:ticket_id>/dispute/", views.dispute_raise, name="dispute_raise"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/minutes.docx", views.meeting_docx, name="meeting_docx"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("mayor/", views.mayor, name="mayor"),
    path("mayor/routes/", views.mayor_routes, name="mayor_routes"),
    path("mayor/routes/<int:pk>/", views.mayor_route, name="mayor_route"),
    path("mayor/portfolio/", views.vice_portfolio, name="vice_portfolio"),
    path("mayor/<int:ticket_id>/", views.mayor_case, name="mayor_case"),
    path("disputes/", views.disputes, name="disputes"),
    path("disputes/<int:pk>/", views.dispute_detail, name="dispute"),
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/<int:pk>/", views.supervision_detail, name="supervision_order"),
]
