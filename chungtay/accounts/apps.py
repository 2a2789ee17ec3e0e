from django.apps import AppConfig


class Config(AppConfig):
    name = "chungtay.accounts"
    label = "accounts"
