from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "bangban.escalation"
    verbose_name = "分级会办与督办"
    # What the shell composes (bangban.core.plugins).
    api_routers = "bangban.escalation.api.router"
    nav = "bangban.escalation.nav.NAV"
    demo = "bangban.escalation.demo.load_demo"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels
        from bangban.tickets.sweeper import register_review_recipients

        from .actions import ACTION_LABELS
        from .hooks import pending_review_people

        register_action_labels(ACTION_LABELS)
        # The deadline sweeper reminds the people whose review step is pending (dispatch clock).
        register_review_recipients(pending_review_people, "/escalation/mayor/")
