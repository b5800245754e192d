from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "bangban.network"
    verbose_name = "帮办服务网络"
    # What the shell composes (bangban.core.plugins).
    api_routers = "bangban.network.api.router"
    nav = "bangban.network.nav.NAV"
    demo = "bangban.network.demo.load_demo"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels
        from bangban.tickets.guards import register_dispatch_guard
        from bangban.tickets.origins import register_case_origin

        from .actions import ACTION_LABELS
        from .hooks import case_origin, dispatch_guard

        register_action_labels(ACTION_LABELS)
        register_dispatch_guard(dispatch_guard)
        register_case_origin(case_origin)
