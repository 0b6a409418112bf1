from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "anlao.accounts"
    label = "accounts"
    verbose_name = "accounts"
