from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "bangban.network"
    verbose_name = "帮办服务网络"
