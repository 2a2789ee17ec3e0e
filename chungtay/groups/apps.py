from django.apps import AppConfig


class Config(AppConfig):
    name = "chungtay.groups"
    label = "groups"
