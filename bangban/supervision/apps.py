from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "bangban.supervision"
    verbose_name = "月度督查与排名"
