from django.apps import AppConfig


class Config(AppConfig):
    name = "chungtay.emulation"
    label = "emulation"
