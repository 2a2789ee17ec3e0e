from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "chungtay.analysis"
    label = "analysis"
    verbose_name = "National analysis"
