"""``chungtay serve``: the web app with waitress (pure Python, runs on every OS, one process).

The documented production stack on Debian runs gunicorn instead (several processes, so several CPU
cores; deploy/gunicorn.conf.py, docs/deploy.md). ``chungtay serve`` stays the way to run the app in
development, on Windows, or on a small single-core machine: ``--threads`` sets how many requests it
answers at once (default 8).
"""
from __future__ import annotations

from chungtay.cliargs import bounded

DEFAULT_THREADS = 8


threads_arg = bounded(int, 1, 64, "a number of threads")   # argparse type for --threads


def serve(host: str = "127.0.0.1", port: int = 8000, threads: int = DEFAULT_THREADS) -> None:
    from waitress import serve as waitress_serve

    from chungtay.env import is_production
    from chungtay.wsgi import application
    if not is_production():         # while the demo's data load runs, every page shows its progress
        from chungtay.jobs.demo import DemoGate
        application = DemoGate(application)
    waitress_serve(application, host=host, port=port, threads=threads, ident="chungtay")
