from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "bangban.outreach"
    verbose_name = "项目服务与政企互动"
