from django.apps import AppConfig


class ConductConfig(AppConfig):
    name = "bangban.conduct"
    label = "conduct"
    verbose_name = "作风建设与涉企执法"
    # What the shell composes (bangban.core.plugins).
    api_routers = "bangban.conduct.api_snap.ROUTERS"
    nav = "bangban.conduct.nav.NAV"
    demo = "bangban.conduct.snap_demo.load_demo"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels

        from .actions import ACTION_LABELS

        register_action_labels(ACTION_LABELS)

        from bangban.tickets.events import register_event_kinds

        from .snap import EVENT_KINDS

        register_event_kinds(EVENT_KINDS)
