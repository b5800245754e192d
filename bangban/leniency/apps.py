from django.apps import AppConfig


class LeniencyConfig(AppConfig):
    name = "bangban.leniency"
    label = "leniency"
    verbose_name = "免罚轻罚清单与首违不罚"
    # What the shell composes (bangban.core.plugins).
    api_routers = "bangban.leniency.api.router"
    nav = "bangban.leniency.nav.NAV"
    demo = "bangban.leniency.demo.load_demo"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels

        from .actions import ACTION_LABELS

        register_action_labels(ACTION_LABELS)
