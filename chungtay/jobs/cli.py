"""``chungtay worker``: run the background jobs (imports) — docs/jobs.md."""
from __future__ import annotations

import argparse

from chungtay.cliargs import bounded

_interval = bounded(float, 0.05, 3600, "a number of seconds")


def cmd_worker(args) -> int:
    from chungtay.cli import _django
    _django()                  # production mode without keys: ProductionRefused -> one line, exit 2
    from chungtay.jobs.worker import main
    return main(burst=args.burst, interval=args.interval, parent=args.parent, quiet=args.quiet)


def add_parser(sub) -> None:
    w = sub.add_parser("worker", help="run the background jobs (imports); production runs it as its own service",
                       description="Runs the queued background jobs (imports) one at a time until stopped "
                                   "(SIGTERM/Ctrl-C: after the running job). A job whose worker died is retried, "
                                   "up to 3 tries. See docs/jobs.md.")
    w.add_argument("--burst", action="store_true", help="run the queued jobs, then exit")
    w.add_argument("--interval", type=_interval, default=1.0, help="seconds between looks at the queue (default 1)")
    w.add_argument("--parent", type=int, help=argparse.SUPPRESS)    # exit with this process (development serve)
    w.add_argument("--quiet", action="store_true", help="log only warnings")
    w.set_defaults(func=cmd_worker)
