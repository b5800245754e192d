from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "bangban.ratings"
    verbose_name = "好差评与回访"
