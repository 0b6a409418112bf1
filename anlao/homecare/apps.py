from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomecareConfig(AppConfig):
    name = "anlao.homecare"
    verbose_name = _("home care")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anlao.core import rules
        from anlao.core.demo_steps import register_demo_step
        from anlao.core.periodic import register_job
        from anlao.credit.selectors import register_reservation
        from anlao.homecare.orders.selectors import credit_promised
        from anlao.homecare.visits.anomalies import ANOMALIES

        # accepted orders promise credit without holding it in the ledger (yet)
        register_reservation(credit_promised)
        # EVV: visits checked in on an earlier day and never checked out (after midnight).
        register_job("homecare.missing_check_out",
                     "anlao.homecare.visits.anomalies:anomalies_sweep", 1440, 30)
        # Care plans: each plan day's order a week ahead (idempotent: unique plan + date).
        register_job("homecare.care_plans", "anlao.homecare.orders.services:care_plans_daily",
                     1440, 60)
        # catalog, providers, caregivers, contracts, credit, care plans
        register_demo_step(70, "anlao.homecare.demo.base:seed")
        # a month of visits, anomalies, follow-ups, settlement
        register_demo_step(80, "anlao.homecare.demo.visits:seed")
        # today's and tomorrow's plan of the first provider
        register_demo_step(90, "anlao.homecare.demo.dispatch:seed")
        rules.register(ANOMALIES)
