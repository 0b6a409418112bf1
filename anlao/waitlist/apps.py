from django.apps import AppConfig


class WaitlistConfig(AppConfig):
    name = "anlao.waitlist"
    label = "waitlist"
    verbose_name = "waitlist"
