from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "bangban.knowledge"
    label = "knowledge"
    verbose_name = "答复知识库"
    # What the shell composes (bangban.core.plugins).
    api_routers = "bangban.knowledge.api.router"
    nav = "bangban.knowledge.nav.NAV"
    demo = "bangban.knowledge.demo.load_demo"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels

        from .actions import ACTION_LABELS

        register_action_labels(ACTION_LABELS)
