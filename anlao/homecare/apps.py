from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomecareConfig(AppConfig):
    name = "anlao.homecare"
    verbose_name = _("home care")
    default_auto_field = "django.db.models.BigAutoField"
