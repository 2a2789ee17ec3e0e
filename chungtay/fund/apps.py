from django.apps import AppConfig


class FundConfig(AppConfig):
    name = "chungtay.fund"
    verbose_name = "Quỹ Vì người nghèo"

    def ready(self) -> None:
        from . import statements  # noqa: F401 - registers the statements' prepared-file kinds (chungtay.jobs.files)
