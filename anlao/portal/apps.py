from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "anlao.portal"
    verbose_name = _("family portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anlao.core.demo_steps import register_demo_step

        register_demo_step(110, "anlao.portal.demo:seed")  # a demo family number
