from django.apps import AppConfig


class Config(AppConfig):
    name = "chungtay.revolving"
    label = "revolving"
