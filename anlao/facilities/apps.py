from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "anlao.facilities"
    label = "facilities"
    verbose_name = "facilities"
