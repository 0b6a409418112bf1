from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "anlao.benefits"
    label = "benefits"
    verbose_name = "benefits"
