from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "anlao.people"
    label = "people"
    verbose_name = "elder registry"
