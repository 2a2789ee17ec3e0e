"""The app's PostgreSQL connections run without JIT compilation (docs/deploy.md): compiling the
prepared tables' refresh statement took 10 s where running it takes 0.16 s. They also price a page read as an SSD's
(random_page_cost 1.1): with the default 4 the planner hashed every household to sort a round's page."""
import json
import os
import subprocess
import sys

from django.db import connection

SHOW_OPTIONS = ("from django.conf import settings; import json; d = settings.DATABASES['default']; "
                "print(json.dumps([d['OPTIONS'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))")


def test_the_postgresql_settings_turn_jit_off(tmp_path):
    env = dict(os.environ, DATABASE_URL="postgres://u:p@127.0.0.1:5432/x", CHUNGTAY_DATA_DIR=str(tmp_path),
               DJANGO_SETTINGS_MODULE="chungtay.settings")
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + SHOW_OPTIONS], env=env,
                         check=True, capture_output=True, text=True).stdout
    options, max_age, checks = json.loads(out)
    assert options["options"] == "-c jit=off -c random_page_cost=1.1"
    assert (max_age, checks) == (600, True)      # kept, and checked before reuse


def test_the_test_database_connection_has_it(db):
    """On PostgreSQL, the server says so for the connection the tests use; SQLite has no JIT to turn off."""
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("SHOW jit")
            assert c.fetchone()[0] == "off"
            c.execute("SHOW random_page_cost")
            assert c.fetchone()[0] == "1.1"
        else:
            assert "options" not in connection.settings_dict["OPTIONS"]
