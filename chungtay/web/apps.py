from django.apps import AppConfig


class Config(AppConfig):
    name = "chungtay.web"
    label = "web"

    def ready(self):
        from chungtay.web import security  # noqa: F401 - connects the audit of failed log-ins
