from django.apps import AppConfig


class Config(AppConfig):
    name = "chungtay.prepared"
    label = "prepared"

    def ready(self):
        from . import refresh
        refresh.connect()     # a head's ethnic group feeds the AF figures by ethnicity
