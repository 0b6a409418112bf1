from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "anlao.assessments"
    label = "assessments"
    verbose_name = "ability assessments"
