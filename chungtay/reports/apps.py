from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "chungtay.reports"
    label = "reports"
    verbose_name = "Báo cáo, biểu mẫu rà soát"

    def ready(self) -> None:
        from . import prepared  # noqa: F401 - registers the prepared-file kinds (chungtay.jobs.files)
