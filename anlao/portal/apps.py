from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "anlao.portal"
    verbose_name = _("family portal")
    default_auto_field = "django.db.models.BigAutoField"
