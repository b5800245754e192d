from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "bangban.open311"
    label = "open311"
    verbose_name = "Open311 接口"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels

        from .actions import ACTION_LABELS

        register_action_labels(ACTION_LABELS)
