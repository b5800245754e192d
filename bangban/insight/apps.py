from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "bangban.insight"
    label = "insight"
    verbose_name = "堵点分析与智能分派"
