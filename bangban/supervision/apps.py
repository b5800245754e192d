from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "bangban.supervision"
    verbose_name = "月度督查与排名"
    # What the shell composes (bangban.core.plugins).
    api_routers = "bangban.supervision.api.router"
    nav = "bangban.supervision.nav.NAV"
    demo = "bangban.supervision.demo.load_demo"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels

        from .actions import ACTION_LABELS

        register_action_labels(ACTION_LABELS)
