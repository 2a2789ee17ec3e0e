from django.apps import AppConfig


class Config(AppConfig):
    name = "chungtay.reviews"
    label = "reviews"
