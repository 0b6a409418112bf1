from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "anlao.areas"
    label = "areas"
    verbose_name = "areas"
