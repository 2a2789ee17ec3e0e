from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "chungtay.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
