from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "bangban.escalation"
    verbose_name = "分级会办与督办"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels

        from .actions import ACTION_LABELS

        register_action_labels(ACTION_LABELS)
