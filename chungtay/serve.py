"""Serve the web app with waitress (a production WSGI server that runs on every OS)."""
from __future__ import annotations


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    from waitress import serve as waitress_serve

    from chungtay.wsgi import application
    waitress_serve(application, host=host, port=port, threads=8, ident="chungtay")
