from django.apps import AppConfig


class Config(AppConfig):
    name = "chungtay.households"
    label = "households"

    def ready(self):
        from . import completeness
        completeness.connect()      # household counts of the coverage are cached until a household changes
