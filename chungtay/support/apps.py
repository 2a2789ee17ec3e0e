from django.apps import AppConfig


class Config(AppConfig):
    name = "chungtay.support"
    label = "support"
