from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "bangban.escalation"
    verbose_name = "分级会办与督办"
    # What the shell composes (bangban.core.plugins).
    api_routers = "bangban.escalation.api.router"
    nav = "bangban.escalation.nav.NAV"
    demo = "bangban.escalation.demo.load_demo"
    metrics = "bangban.escalation.metrics.collect"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels
        from bangban.tickets.events import register_event_kinds
        from bangban.tickets.guards import register_dispatch_guard, register_queue_flag
        from bangban.tickets.sweeper import register_review_recipients

        from .actions import ACTION_LABELS, EVENT_LABELS
        from .hooks import dispatch_guard, pending_review_people, under_review_flag

        register_action_labels(ACTION_LABELS)
        register_event_kinds(EVENT_LABELS)
        # A case under mayor review is dispatched only through its review (R8.2), and the
        # dispatcher's queue shows it as 「市长直通车审核中」.
        register_dispatch_guard(dispatch_guard)
        register_queue_flag("under_mayor_review", under_review_flag)
        # The deadline sweeper reminds the people whose review step is pending (dispatch clock).
        register_review_recipients(pending_review_people, "/escalation/mayor/")
