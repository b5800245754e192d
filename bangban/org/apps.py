from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "bangban.org"
    label = "org"
    verbose_name = "组织机构"
    # What the shell composes (bangban.core.plugins).
    api_routers = "bangban.org.api.router"
    nav = "bangban.org.nav.NAV"
