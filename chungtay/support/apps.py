from django.apps import AppConfig
from django.db.models.signals import post_migrate


class Config(AppConfig):
    name = "chungtay.support"
    label = "support"

    def ready(self):
        from .catalogue import on_migrate
        post_migrate.connect(on_migrate, sender=self, dispatch_uid="support_catalogue")
