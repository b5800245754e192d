from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "bangban.enterprises"
    label = "enterprises"
    verbose_name = "企业库"
    # What the shell composes (bangban.core.plugins).
    api_routers = "bangban.enterprises.api.router"
    nav = "bangban.enterprises.nav.NAV"

    def ready(self) -> None:
        from bangban.core.exports import register_export

        from .views import export_plan

        register_export("enterprises", "企业名录", export_plan)
