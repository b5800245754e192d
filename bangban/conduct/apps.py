from django.apps import AppConfig


class ConductConfig(AppConfig):
    name = "bangban.conduct"
    label = "conduct"
    verbose_name = "作风建设与涉企执法"
    # What the shell composes (bangban.core.plugins).
    api_routers = "bangban.conduct.routers.ROUTERS"
    nav = "bangban.conduct.nav.NAV"
    demo = "bangban.conduct.snap_demo.load_demo"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels
        from bangban.tickets.events import register_event_kinds
        from bangban.tickets.guards import register_dispatch_guard

        from .actions import ACTION_LABELS
        from .hooks import dispatch_guard
        from .snap import EVENT_KINDS

        register_action_labels(ACTION_LABELS)
        register_dispatch_guard(dispatch_guard)
        register_event_kinds(EVENT_KINDS)
