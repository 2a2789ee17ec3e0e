"""A development or demo installation keeps its data folder (the SQLite database, the key file,
uploads) readable by its owner only: the key file used to create the folder with the default mode
first, so the folder ended up 0755 and the database 0644 inside it (issue 7, point 1)."""
import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(data: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "CHUNGTAY_KEY_FILE", "CHUNGTAY_ENV", "DATABASE_URL")}
    return dict(env, CHUNGTAY_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="chungtay.settings")


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_a_new_data_folder_and_its_key_file_are_private(tmp_path):
    data = tmp_path / "new" / "data"
    # settings (the key file) and a first connection (the SQLite file): what every command does first
    subprocess.run([sys.executable, "-c", "import django; django.setup(); "
                    "from django.db import connection; connection.ensure_connection()"],
                   env=_env(data), cwd=ROOT, check=True, capture_output=True)
    assert _mode(data) == 0o700
    assert _mode(data / "keys.env") == 0o600
    assert (data / "chungtay.sqlite3").exists()         # inside a folder no one else may enter


def test_an_existing_open_folder_is_closed(tmp_path):
    data = tmp_path / "open"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=_env(data), cwd=ROOT,
                   check=True, capture_output=True)
    assert _mode(data) == 0o700
