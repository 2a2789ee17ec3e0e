from django.apps import AppConfig


class Config(AppConfig):
    name = "chungtay.field"
    label = "field"
