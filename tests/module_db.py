"""Objects built once for a test module: in a transaction rolled back when the module ends (each
test's own transaction is a savepoint inside it), with files in a temporary DATA_DIR."""
from contextlib import contextmanager

from django.db import transaction
from django.test import override_settings


@contextmanager
def rolled_back_for_the_module(django_db_blocker, data_dir):
    with django_db_blocker.unblock(), override_settings(DATA_DIR=data_dir), transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)
