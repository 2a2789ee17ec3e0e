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


LAYER = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"province_code": "51", "code": "23332"},
     "geometry": {"type": "Point", "coordinates": [108.0, 14.3]}},
    {"type": "Feature", "properties": {"province_code": "01", "code": "00004"},
     "geometry": {"type": "Point", "coordinates": [105.8, 21.0]}}]}

PROBE_GEO = """
import json
import chungtay.wsgi
from chungtay.web.warm import warm
print(json.dumps(warm()))
"""


def _warm_with_layer(tmp_path, layer_text):
    geo = tmp_path / "geo"
    geo.mkdir()
    (geo / "communes-2025.geojson").write_text(layer_text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CHUNGTAY_ENV")}
    env.update(CHUNGTAY_DATA_DIR=str(tmp_path / "data"), CHUNGTAY_GEO_DIR=str(geo),
               DJANGO_SETTINGS_MODULE="chungtay.settings")
    return subprocess.run([sys.executable, "-c", PROBE_GEO], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_the_warm_up_splits_the_boundary_layer_by_province(tmp_path):
    out = _warm_with_layer(tmp_path, json.dumps(LAYER))
    assert out.returncode == 0, out.stderr[-2000:]
    folder = Path(json.loads(out.stdout.strip().splitlines()[-1])["boundaries"])
    assert (folder / "_done").exists()
    assert folder.is_relative_to(tmp_path / "data")
    kon_tum = json.loads((folder / "51.geojson").read_text(encoding="utf-8"))
    assert [f["properties"]["code"] for f in kon_tum["features"]] == ["23332"]


def test_a_damaged_layer_does_not_stop_the_server(tmp_path):
    out = _warm_with_layer(tmp_path, '{"type": "FeatureCollection", "feat')
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1])["boundaries"] is None
    assert "boundary layer not split" in out.stderr
