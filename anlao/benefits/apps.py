from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "anlao.benefits"
    label = "benefits"
    verbose_name = "benefits"

    def ready(self) -> None:
        from anlao.benefits.checks.rules import CHECKS
        from anlao.core import rules
        from anlao.core.demo_steps import register_demo_step

        register_demo_step(60, "anlao.benefits.demo:seed")
        rules.register(CHECKS)
