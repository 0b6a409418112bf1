from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "anlao.workforce"
    label = "workforce"
    verbose_name = "workforce"

    def ready(self) -> None:
        from anlao.core.demo_steps import register_demo_step

        register_demo_step(40, "anlao.workforce.demo:seed")
