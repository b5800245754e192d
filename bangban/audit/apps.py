from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "bangban.audit"
    label = "audit"
    verbose_name = "审计日志"
    # What the shell composes (bangban.core.plugins).
    nav = "bangban.audit.nav.NAV"

    def ready(self) -> None:
        from bangban.core.exports import register_export

        from .export import export_plan

        register_export("audit", "审计日志", export_plan)
