from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "bangban.ratings"
    verbose_name = "好差评与回访"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels

        from .actions import ACTION_LABELS

        register_action_labels(ACTION_LABELS)
