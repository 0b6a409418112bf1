from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomecareConfig(AppConfig):
    name = "anlao.homecare"
    verbose_name = _("home care")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anlao.credit.selectors import register_reservation
        from anlao.homecare.orders.selectors import credit_promised

        # accepted orders promise credit without holding it in the ledger (yet)
        register_reservation(credit_promised)
