from django.apps import AppConfig


class GridnetConfig(AppConfig):
    name = "bangban.gridnet"
    label = "gridnet"
    verbose_name = "一张网事件分拨平台对接"
    # What the shell composes (bangban.core.plugins).
    nav = "bangban.gridnet.nav.NAV"
    demo = "bangban.gridnet.demo.load_demo"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels
        from bangban.tickets.origins import register_case_origin

        from .actions import ACTION_LABELS, case_origin

        register_action_labels(ACTION_LABELS)
        register_case_origin(case_origin)
