from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "anlao.workforce"
    label = "workforce"
    verbose_name = "workforce"
