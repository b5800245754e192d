from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "bangban.ratings"
    verbose_name = "好差评与回访"
    # What the shell composes (bangban.core.plugins).
    api_routers = "bangban.ratings.api.router"
    nav = "bangban.ratings.nav.NAV"
    demo = "bangban.ratings.demo.load_demo"

    def ready(self) -> None:
        from bangban.audit.labels import register_action_labels
        from bangban.tickets import rating_hook

        from .actions import ACTION_LABELS
        from .actions.cases import _enterprise_follow_up
        from .actions.parameters import get_settings

        register_action_labels(ACTION_LABELS)
        # An enterprise's follow-up of its case is its rating (好差评 included): see rating_hook.
        rating_hook.register(_enterprise_follow_up)
        # The reopen limit of the follow-up rule is a 回访 parameter kept in RatingSettings.
        rating_hook.register_reopen_limit(lambda: get_settings().max_reopens)
