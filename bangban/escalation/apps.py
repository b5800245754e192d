from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "bangban.escalation"
    verbose_name = "分级会办与督办"
