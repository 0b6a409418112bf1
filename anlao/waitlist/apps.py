from django.apps import AppConfig


class WaitlistConfig(AppConfig):
    name = "anlao.waitlist"
    label = "waitlist"
    verbose_name = "waitlist"

    def ready(self) -> None:
        from anlao.core import hooks
        from anlao.core.demo_steps import register_demo_step
        from anlao.core.periodic import register_job
        from anlao.waitlist.services import waitlist_reclassify_elder

        register_job("waitlist.lapse_offers", "anlao.waitlist.tasks:lapse_offers", 60)
        register_demo_step(50, "anlao.waitlist.demo:seed")
        # a new level can change a waiting applicant's admission class (DOMAIN §7)
        hooks.register("elder.level_changed", waitlist_reclassify_elder)
