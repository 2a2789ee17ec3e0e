"""The migrations describe the models exactly: ``makemigrations`` finds nothing to write (a model
changed without its migration would leave migrate's databases, and the one-pass schema of
``chungtay.fresh_schema``, behind the code)."""
import os
import subprocess
import sys

from tests.installations import ROOT


def test_makemigrations_finds_nothing_to_write(tmp_path):
    env = dict(os.environ, CHUNGTAY_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="chungtay.settings")
    out = subprocess.run([sys.executable, "-m", "django", "makemigrations", "--check", "--dry-run"], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "No changes detected" in out.stdout
