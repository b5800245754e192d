from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "bangban.notifications"
    label = "notifications"
    verbose_name = "消息通知"
    # What the shell composes (bangban.core.plugins).
    nav = "bangban.notifications.nav.NAV"
    metrics = "bangban.notifications.metrics.collect"
