from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "anlao.facilities"
    label = "facilities"
    verbose_name = "facilities"

    def ready(self) -> None:
        from anlao.core import rules
        from anlao.core.demo_steps import register_demo_step
        from anlao.core.periodic import register_job
        from anlao.facilities.services import COMPLIANCE

        register_job("facilities.compliance", "anlao.facilities.tasks:compliance", 1440, 120)
        register_demo_step(30, "anlao.facilities.demo:seed")
        rules.register(COMPLIANCE)
