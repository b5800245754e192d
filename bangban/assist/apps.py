from django.apps import AppConfig


class AssistConfig(AppConfig):
    name = "bangban.assist"
    label = "assist"
    verbose_name = "帮办代办"
    # What the shell composes (bangban.core.plugins).
    api_routers = "bangban.assist.api.router"
    nav = "bangban.assist.nav.NAV"
    demo = "bangban.assist.demo.load_demo"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels
        from bangban.core.exports import register_export

        from .actions import ACTION_LABELS
        from .exporting import figures_plan, records_plan

        register_action_labels(ACTION_LABELS)
        register_export("assist_records", "帮办服务台账", records_plan)
        register_export("assist_figures", "帮办代办月度统计", figures_plan)
