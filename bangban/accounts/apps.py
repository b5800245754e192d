from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bangban.accounts"
    label = "accounts"
    verbose_name = "账号与权限"
    # What the shell composes (bangban.core.plugins).
    nav = "bangban.accounts.nav.NAV"
