from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bangban.core"
    label = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels

        from . import checks  # noqa: F401  (registers the site address check)

        register_action_labels({"export.queued": "申请后台导出", "export.downloaded": "下载后台导出"})
