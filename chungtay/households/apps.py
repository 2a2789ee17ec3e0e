from django.apps import AppConfig


class Config(AppConfig):
    name = "chungtay.households"
    label = "households"
