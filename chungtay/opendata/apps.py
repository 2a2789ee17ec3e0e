from django.apps import AppConfig


class Config(AppConfig):
    name = "chungtay.opendata"
    label = "opendata"
