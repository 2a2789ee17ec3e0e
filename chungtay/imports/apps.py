from django.apps import AppConfig


class Config(AppConfig):
    name = "chungtay.imports"
    label = "imports"
    verbose_name = "Nhập dữ liệu từ Excel / Excel import"
