from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "anlao.planning"
    label = "planning"
    verbose_name = "planning"
