"""Production mode (CHUNGTAY_ENV=production) refuses to start without real secrets: `chungtay serve`,
the WSGI module and manage.py each exit non-zero with one clear line and no traceback. With keys,
`manage.py check --deploy` reports no error and only the warnings docs/security.md explains."""
import os
import re
import subprocess
import sys
from pathlib import Path

from chungtay import keys

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "CHUNGTAY_KEY_FILE", "ALLOWED_HOSTS", "DEBUG",
                        "DJANGO_SETTINGS_MODULE")}
    env.update(CHUNGTAY_ENV="production", CHUNGTAY_DATA_DIR=str(tmp_path / "data"), ALLOWED_HOSTS="ct.example.vn")
    env.update(extra)
    return env


def _run(args, env):
    return subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def _refused(r, what):
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    line = r.stderr.strip()
    assert "\n" not in line and "production mode" in line and what in line, line
    assert "docs/security.md" in line


def test_serve_refuses_on_a_fresh_clone_without_keys(tmp_path):
    r = _run(["-m", "chungtay", "serve", "--port", "1"], _env(tmp_path))
    _refused(r, "SECRET_KEY is missing")
    assert "FIELD_ENCRYPTION_KEY is missing" in r.stderr
    assert not (tmp_path / "data" / "keys.env").exists()      # production never makes up keys


def test_the_wsgi_module_refuses_the_old_default_secret_key(tmp_path):
    env = _env(tmp_path, SECRET_KEY="dev-only-insecure-key-change-me-in-production",
               FIELD_ENCRYPTION_KEY=keys.generate_field_key())
    _refused(_run(["-c", "import chungtay.wsgi"], env), "SECRET_KEY is a known default")


def test_manage_py_refuses_a_field_key_equal_to_the_secret_key(tmp_path):
    k = keys.generate_field_key() * 2
    env = _env(tmp_path, SECRET_KEY=k, FIELD_ENCRYPTION_KEY=k)
    _refused(_run(["manage.py", "check"], env), "FIELD_ENCRYPTION_KEY must be its own secret")


def test_it_refuses_a_field_key_that_is_not_32_random_bytes(tmp_path):
    env = _env(tmp_path, SECRET_KEY=keys.generate_secret_key(), FIELD_ENCRYPTION_KEY="my-field-key-123")
    _refused(_run(["-m", "chungtay", "serve", "--port", "1"], env), "32 random bytes")


def test_it_refuses_without_allowed_hosts(tmp_path):
    env = _env(tmp_path, **keys.generate())
    env.pop("ALLOWED_HOSTS")
    _refused(_run(["-m", "chungtay", "serve", "--port", "1"], env), "ALLOWED_HOSTS")


def test_a_key_file_named_by_the_environment_is_accepted_and_debug_stays_off(tmp_path):
    path = keys.write_key_file(tmp_path / "secret" / "keys.env", keys.generate())
    env = _env(tmp_path, CHUNGTAY_KEY_FILE=str(path), DEBUG="1", DJANGO_SETTINGS_MODULE="chungtay.settings")
    r = _run(["-c", "import django; django.setup(); from django.conf import settings as s; "
                    "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
                    "s.SECURE_HSTS_SECONDS > 0, s.FIELD_ENCRYPTION_KEY != s.SECRET_KEY)"], env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["False", "True", "True", "True", "True", "True"]


def test_check_deploy_with_keys_has_no_errors_and_every_warning_is_documented(tmp_path):
    r = _run(["manage.py", "check", "--deploy", "--fail-level", "ERROR"], _env(tmp_path, **keys.generate()))
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout + r.stderr
    assert "ERRORS:" not in out
    warnings = set(re.findall(r"\((security\.W\d+)\)", out))
    doc = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert warnings <= set(re.findall(r"security\.W\d+", doc)), warnings
    assert warnings <= {"security.W021"}      # what docs/security.md explains today


def test_turning_off_the_redirect_behind_a_proxy_is_a_documented_warning(tmp_path):
    r = _run(["manage.py", "check", "--deploy"], _env(tmp_path, **keys.generate(), CHUNGTAY_SSL_REDIRECT="0"))
    assert r.returncode == 0 and "security.W008" in r.stdout + r.stderr
    assert "security.W008" in (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
