"""Pages of supervision."""

from django.urls import path

from . import views as v

app_name = "supervision"
urlpatterns = [
    path("", v.index, name="index"),
    path("rankings/", v.rankings, name="rankings"),
    path("rankings/<int:year>/<int:month>/", v.ranking, name="ranking"),
    path("rankings/<int:year>/<int:month>/compute/", v.ranking_compute, name="ranking_compute"),
    path("rankings/<int:year>/<int:month>/freeze/", v.ranking_freeze, name="ranking_freeze"),
    path("rankings/<int:year>/<int:month>/units/<int:unit_id>/<slug:figure>/", v.drill, name="drill"),
    path("settings/", v.settings_page, name="settings"),
    path("notices/", v.notices, name="notices"),
    path("notices/<int:pk>/", v.notice, name="notice"),
    path("notices/<int:pk>/download/", v.notice_download, name="notice_download"),
    path("notices/<int:pk>/<slug:action>/", v.notice_action, name="notice_action"),
    path("ledgers/", v.ledger_list, name="ledgers"),
    path("ledgers/<int:pk>/", v.ledger_detail, name="ledger"),
    path("accountability/", v.accountability, name="accountability"),
    path("accountability/<int:pk>/decide/", v.accountability_decide, name="accountability_decide"),
    path("accountability/<int:pk>/transfer/", v.accountability_transfer, name="accountability_transfer"),
    path("transfers/", v.transfers, name="transfers"),
    path("transfers/<int:pk>/", v.transfer, name="transfer"),
    path("transfers/<int:pk>/cases/<int:ticket_id>/", v.transfer_case, name="transfer_case"),
    path("stars/", v.star_rounds, name="stars"),
    path("stars/<int:pk>/", v.star_round, name="star_round"),
    path("stars/<int:pk>/<slug:action>/", v.star_round_action, name="star_round_action"),
    path("stars/nominations/<int:pk>/decide/", v.star_decide, name="star_decide"),
    path("inaction/", v.inaction_page, name="inaction"),
    path(
        "inaction/<int:year>/<int:month>/units/<int:unit_id>/<slug:pattern>/",
        v.inaction_cases,
        name="inaction_cases",
    ),
    path("dashboard/", v.dashboard_page, name="dashboard"),
    path("dashboard/status/", v.dashboard_status, name="dashboard_status"),
    path("dashboard/refresh/", v.dashboard_refresh, name="dashboard_refresh"),
    path("cases/", v.cases, name="cases"),
    path("meeting/", v.meeting_pack, name="meeting"),
    path("special/", v.specials, name="specials"),
    path("special/<int:pk>/", v.special_detail, name="special"),
    path("special/<int:pk>/report/", v.special_report, name="special_report"),
    path("special/<int:pk>/<slug:action>/", v.special_action, name="special_action"),
    path("analysis-meetings/", v.analysis_meetings, name="analysis_meetings"),
    path("analysis-meetings/<int:year>/<int:month>/", v.analysis_meeting, name="analysis_meeting"),
    path("analyses/", v.analyses, name="analyses"),
    path("analyses/new/", v.analysis_new, name="analysis_new"),
    path("analyses/<int:pk>/", v.analysis_detail, name="analysis"),
]
