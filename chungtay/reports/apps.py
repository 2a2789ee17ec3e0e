from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "chungtay.reports"
    label = "reports"
    verbose_name = "Báo cáo, biểu mẫu rà soát"
