from django.apps import AppConfig


class ShellConfig(AppConfig):
    """The site that composes the apps: home page, header navigation, API, demo city.

    It may import any app; no app imports it (docs/architecture.md, "Kernel and shell")."""

    name = "bangban.shell"
    label = "shell"
    verbose_name = "站点"

    def ready(self) -> None:
        from .api import compose

        compose()
