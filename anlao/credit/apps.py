from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "anlao.credit"
    verbose_name = _("service credit")
    default_auto_field = "django.db.models.BigAutoField"
