"""``chungtay serve``: the web app with waitress (pure Python, runs on every OS, one process).

The documented production stack on Debian runs gunicorn instead (several processes, so several CPU
cores; deploy/gunicorn.conf.py, docs/deploy.md). ``chungtay serve`` stays the way to run the app in
development, on Windows, or on a small single-core machine: ``--threads`` sets how many requests it
answers at once (default 8).
"""
from __future__ import annotations

import argparse

DEFAULT_THREADS = 8


def threads_arg(text: str) -> int:
    """argparse type for --threads: 1 to 64."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= n <= 64:
        raise argparse.ArgumentTypeError(f"between 1 and 64 threads, got {n}")
    return n


def serve(host: str = "127.0.0.1", port: int = 8000, threads: int = DEFAULT_THREADS) -> None:
    from waitress import serve as waitress_serve

    from chungtay.wsgi import application
    waitress_serve(application, host=host, port=port, threads=threads, ident="chungtay")
