from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "bangban.org"
    label = "org"
    verbose_name = "组织机构"
