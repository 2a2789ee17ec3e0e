from django.apps import AppConfig


class Config(AppConfig):
    name = "chungtay.web"
    label = "web"
