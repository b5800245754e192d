from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "bangban.tickets"
    label = "tickets"
    verbose_name = "诉求办理"
