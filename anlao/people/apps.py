from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "anlao.people"
    label = "people"
    verbose_name = "elder registry"

    def ready(self) -> None:
        from anlao.core.demo_steps import register_demo_step
        from anlao.core.selectors import register_log_subject
        from anlao.people.selectors import elders_visible

        # An auditor reads the log rows about every elder they can see.
        register_log_subject("people.elder", elders_visible)
        register_demo_step(10, "anlao.people.demo:seed")
