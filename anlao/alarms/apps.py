from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlarmsConfig(AppConfig):
    name = "anlao.alarms"
    verbose_name = _("emergency alarms")
    default_auto_field = "django.db.models.BigAutoField"
