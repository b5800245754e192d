from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "bangban.tickets"
    label = "tickets"
    verbose_name = "诉求办理"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels

        from .actions import LIFECYCLE_ACTION_LABELS

        register_action_labels(LIFECYCLE_ACTION_LABELS)
