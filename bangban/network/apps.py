from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "bangban.network"
    verbose_name = "帮办服务网络"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels

        from .actions import ACTION_LABELS

        register_action_labels(ACTION_LABELS)
