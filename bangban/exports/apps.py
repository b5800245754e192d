from django.apps import AppConfig

ACTION_LABELS = {"export.queued": "申请后台导出", "export.downloaded": "下载后台导出"}


class ExportsConfig(AppConfig):
    """The pages of background exports and what an export leaves behind: the audit events of
    queueing and downloading it and the user's message once it is written. The mechanism and its
    table (`ExportJob`) are the kernel's (`bangban.core.exports`), which every list uses, audit's
    included; this app sits above audit and notifications (docs/architecture.md)."""

    name = "bangban.exports"
    label = "exports"
    verbose_name = "后台导出"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels

        from . import receivers  # noqa: F401  (connects to the kernel's export signals)

        register_action_labels(ACTION_LABELS)
