from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anlao.core"
    label = "core"
    verbose_name = "anlao core"
