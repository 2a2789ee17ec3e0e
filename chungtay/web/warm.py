"""Before the first request: import every view and compile every template once.

A new server process otherwise pays, on the first request of each page, for importing that page's
modules (the pure cores, numpy) and compiling its templates and tag libraries: 150–250 ms on the
first radar or outcomes page of a process, against the 300 ms page goal (docs/benchmarks.md). The
WSGI module calls :func:`warm` once after loading the application; under gunicorn with
``preload_app`` that is once in the master, whose workers inherit the result. What it loaded is then
frozen out of the garbage collector's generations (``gc.freeze``, as Python's documentation advises
for servers that fork). The maps' boundary layer, when the deployment has one, is split into one file
per province here too (once per data directory). Management commands and tests do not call it.
"""
from __future__ import annotations

import gc
import logging
import time
from pathlib import Path

log = logging.getLogger(__name__)


def _templates() -> list[str]:
    from django.apps import apps
    names = []
    for app in apps.get_app_configs():
        root = Path(app.path) / "templates"
        if root.is_dir():
            names += sorted(str(p.relative_to(root)) for p in root.rglob("*.html"))
    return names


def warm() -> dict:
    """Import the URLconf's views, compile the apps' templates; what was done, and how long it took."""
    start = time.perf_counter()
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template
    from django.urls import get_resolver
    resolver = get_resolver()
    resolver.reverse_dict                # imports every view module, fills the reverse lookups
    compiled = 0
    for name in _templates():
        try:
            get_template(name)           # the cached loader keeps it compiled for the process
            compiled += 1
        except (TemplateDoesNotExist, TemplateSyntaxError):      # a fragment not meant to stand alone
            continue
    # the boundary layer split by province once for the data directory (0.75 s of a 6 MB layer, which
    # the first dashboard of a new data directory paid); a layer that cannot be read waits for its page
    boundaries = None
    try:
        from chungtay.plans.dashboard import boundaries_by_province
        boundaries = boundaries_by_province()
    except Exception as e:            # noqa: BLE001 — a warm-up never stops the server from starting
        log.warning("boundary layer not split: %s", e)
    # what is loaded now lives as long as the process: out of the collector's sight (gc.freeze), so
    # that the first full collection of a request does not walk every template and module (150 ms on
    # the province radar's first read) and forked workers do not copy the pages it would touch
    gc.collect()
    gc.freeze()
    seconds = time.perf_counter() - start
    log.info("warmed: %s templates in %.2f s", compiled, seconds)
    return {"templates": compiled, "seconds": seconds, "boundaries": str(boundaries) if boundaries else None}
