from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "anlao.demo"
    label = "demo"
    verbose_name = "demo city"
