from django.apps import AppConfig

ACTION_LABELS = {
    "calendar.year_load": "载入年度日历（数据包）",
    "calendar.year_import": "导入年度日历",
    "calendar.day_set": "设置节假日或调休上班",
    "calendar.day_remove": "撤销节假日或调休安排",
}


class WorkdaysConfig(AppConfig):
    name = "bangban.workdays"
    label = "workdays"
    verbose_name = "工作日历"
    # What the shell composes (bangban.core.plugins).
    api_routers = "bangban.workdays.api.router"
    nav = "bangban.workdays.nav.NAV"
    demo = "bangban.workdays.demo.load_demo"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels

        register_action_labels(ACTION_LABELS)
