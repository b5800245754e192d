"""Text intelligence over the city's own cases: routing suggestions, hotspots (堵点), repeats.

Learns only from the cases of this installation; suggests, never decides (a dispatcher or 营商办
takes every decision). See docs/text-intelligence.md.
"""

from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "bangban.insight"
    label = "insight"
    verbose_name = "堵点分析与智能分派"
    # What the shell composes (bangban.core.plugins).
    api_routers = "bangban.insight.api.ROUTERS"
    nav = "bangban.insight.nav.NAV"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels
        from bangban.core.exports import register_export
        from bangban.tickets.advice import register_routing_advisor
        from bangban.tickets.events import register_event_kinds

        from .actions import ACTION_LABELS
        from .advisor import ADVISOR
        from .hotspot_task_actions import ACTION_LABELS as TASK_LABELS
        from .hotspot_task_actions import EVENT_LABELS as TASK_EVENT_LABELS
        from .hotspots_actions import ACTION_LABELS as HOTSPOT_LABELS
        from .hotspots_export import export_plan

        register_action_labels(ACTION_LABELS)
        register_action_labels(HOTSPOT_LABELS)
        register_action_labels(TASK_LABELS)
        # The timeline entries a 类案督办 writes on its linked cases.
        register_event_kinds(TASK_EVENT_LABELS)
        register_export("hotspots", "堵点清单", export_plan)
        # The dispatch page and API of tickets ask the active routing model for suggestions, and
        # each dispatch records the dispatcher's choice against the suggestion.
        register_routing_advisor(ADVISOR)
