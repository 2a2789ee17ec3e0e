"""Which mode the app runs in. ``CHUNGTAY_ENV=production`` selects production mode: the app
refuses to start without real secrets, and destructive commands need an explicit flag."""
from __future__ import annotations

import os


def is_production() -> bool:
    return os.environ.get("CHUNGTAY_ENV", "").strip().lower() == "production"
