"""The WSGI module warms the server up before its first request (chungtay/web/warm.py): every view
module is imported, every app template compiled in the cached loader, and what was loaded frozen
out of the garbage collector. Run in a process of its own, as a server starts."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import gc, json, sys
import chungtay.wsgi
from django.template import engines
loader = engines["django"].engine.template_loaders[0]
print(json.dumps({"frozen": gc.get_freeze_count(), "radar_views": "chungtay.support.views_radar" in sys.modules,
                  "analysis_views": "chungtay.analysis.views" in sys.modules,
                  "cached": sorted(k for k in loader.get_template_cache if k.endswith(".html"))}))
"""


def test_the_server_warms_up_before_its_first_request(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CHUNGTAY_ENV")}
    env.update(CHUNGTAY_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="chungtay.settings")
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["frozen"] > 10_000 and got["radar_views"] and got["analysis_views"]
    assert {"support/radar.html", "analysis/national.html", "web/base.html"} <= set(got["cached"])
