from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "bangban.inspections"
    label = "inspections"
    verbose_name = "双随机、一公开联合检查"
    # What the shell composes (bangban.core.plugins).
    api_routers = "bangban.inspections.api.router"
    nav = "bangban.inspections.nav.NAV"
    demo = "bangban.inspections.demo.load_demo"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels

        from .actions import ACTION_LABELS

        register_action_labels(ACTION_LABELS)
