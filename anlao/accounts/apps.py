from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "anlao.accounts"
    label = "accounts"
    verbose_name = "accounts"

    def ready(self) -> None:
        from anlao.accounts.tokens import token_authenticate
        from anlao.core.api_support import set_token_authenticator

        set_token_authenticator(token_authenticate)
