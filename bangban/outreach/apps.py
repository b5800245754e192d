from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "bangban.outreach"
    verbose_name = "项目服务与政企互动"
    # What the shell composes (bangban.core.plugins).
    api_routers = "bangban.outreach.api.router"
    nav = "bangban.outreach.nav.NAV"
    demo = "bangban.outreach.demo.load_demo"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels
        from bangban.tickets.origins import register_case_origin

        from . import forums, policies, policy_import, projects, symposia, talks

        for module in (projects, policies, policy_import, forums, symposia, talks):
            register_action_labels(module.ACTION_LABELS)
        register_case_origin(talks.case_origin)
