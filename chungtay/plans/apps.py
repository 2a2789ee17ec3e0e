from django.apps import AppConfig


class Config(AppConfig):
    name = "chungtay.plans"
    label = "plans"
