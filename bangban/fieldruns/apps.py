from django.apps import AppConfig


class FieldrunsConfig(AppConfig):
    name = "bangban.fieldruns"
    label = "fieldruns"
    verbose_name = "局长跑现场"
    # What the shell composes (bangban.core.plugins).
    api_routers = "bangban.fieldruns.api.router"
    nav = "bangban.fieldruns.nav.NAV"
    demo = "bangban.fieldruns.demo.load_demo"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels
        from bangban.core.exports import register_export

        from .actions import ACTION_LABELS
        from .export import export_plan

        register_action_labels(ACTION_LABELS)
        register_export("fieldruns", "跑现场年度清单", export_plan)
