from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "bangban.tickets"
    label = "tickets"
    verbose_name = "诉求办理"
    # What the shell composes (bangban.core.plugins).
    api_routers = "bangban.tickets.api.ROUTERS"
    nav = "bangban.tickets.nav.NAV"
    demo = "bangban.tickets.demo_cases.load_demo"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels
        from bangban.core.exports import register_export

        from .actions import LIFECYCLE_ACTION_LABELS
        from .audit_labels import ACTION_LABELS
        from .events import register_own_event_kinds
        from .views_work import export_plan

        register_action_labels(LIFECYCLE_ACTION_LABELS)
        register_action_labels(ACTION_LABELS)
        register_own_event_kinds()
        register_export("tickets", "诉求列表", export_plan)
