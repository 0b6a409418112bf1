from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlarmsConfig(AppConfig):
    name = "anlao.alarms"
    verbose_name = _("emergency alarms")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anlao.core.demo_steps import register_demo_step
        from anlao.core.periodic import register_job

        register_job("alarms.sweep", "anlao.alarms.tasks:sweep", 1)  # escalation + no movement
        register_demo_step(100, "anlao.alarms.demo:seed")  # devices and some alarms
