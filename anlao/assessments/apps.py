from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "anlao.assessments"
    label = "assessments"
    verbose_name = "ability assessments"

    def ready(self) -> None:
        from anlao.core.demo_steps import register_demo_step

        register_demo_step(20, "anlao.assessments.demo:seed")
