from django.apps import AppConfig


class Config(AppConfig):
    name = "chungtay.units"
    label = "units"

    def ready(self):
        from . import labels
        labels.connect()
