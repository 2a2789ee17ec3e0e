from django.apps import AppConfig


class Config(AppConfig):
    name = "chungtay.api"
    label = "api"
