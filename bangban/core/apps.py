from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The kernel every app builds on; it imports no other app (docs/architecture.md)."""

    name = "bangban.core"
    label = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the site address check)
