"""Command line: ``chungtay …`` or ``python -m chungtay …``.

Exit status: 0 success, 2 bad input or usage (message on standard error, no output file).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from chungtay.cliargs import bounded
from chungtay.core.standards import StandardError, all_standards, get_standard, standard_for_year

EXIT_BAD_INPUT = 2


def _err(msg: str) -> int:
    print(f"chungtay: error: {msg}", file=sys.stderr)
    return EXIT_BAD_INPUT


def cmd_standards_list(args) -> int:
    rows = [(s.code, ",".join(map(str, (s.years[0], s.years[-1]))), s.status, s.scope, s.name_vi)
            for s in all_standards()]
    if args.format == "json":
        print(json.dumps([{"code": c, "years": [int(y) for y in ys.split(",")], "status": st, "scope": sc,
                           "name_vi": n} for c, ys, st, sc, n in rows], ensure_ascii=False, indent=2))
        return 0
    print(f"{'CODE':<12} {'YEARS':<11} {'STATUS':<12} {'SCOPE':<9} NAME")
    for c, ys, st, sc, n in rows:
        print(f"{c:<12} {ys.replace(',', '–'):<11} {st:<12} {sc:<9} {n}")
    return 0


def cmd_standards_show(args) -> int:
    try:
        s = get_standard(args.code)
    except StandardError as e:
        return _err(str(e))
    if args.format == "json":
        print(json.dumps(s.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"{s.code}: {s.name_vi} ({s.status})")
    print("Legal basis: " + "; ".join(s.legal_basis))
    print(f"Review years: {s.years[0]}–{s.years[-1]}")
    for code, ln in s.lines.items():
        print(f"  {ln.name_en:<28} rural {ln.rural:>10,}  urban {ln.urban:>10,}  [{ln.status}]")
    for i, ind in enumerate(s.indicators, 1):
        print(f"  {i:>2}. {ind.code:<20} {ind.dimension:<17} {ind.name_vi} [{ind.status}]")
    return 0


def cmd_classify(args) -> int:
    from chungtay.core.tables import InputError, classify_file
    try:
        standard = get_standard(args.standard) if args.standard else standard_for_year(args.year)
    except StandardError as e:
        return _err(str(e))
    import pyarrow as pa
    pa.set_memory_pool(pa.system_memory_pool())   # gives freed chunks back: a third less peak memory
    try:
        rows = classify_file(args.input, standard, args.output)
    except InputError as e:
        return _err(str(e))
    if args.output:
        print(f"{rows} households classified with standard {standard.code} -> {args.output}", file=sys.stderr)
    return 0


def cmd_generate(args) -> int:
    from chungtay import synth
    actor = None
    if args.load and args.replace:     # destructive: confirm, name the actor, not in production
        _django()
        from chungtay.destructive import Refused, confirm
        from chungtay.households.demo import replace_plan
        try:
            actor = confirm("replace the demo population (imported and registered households are kept)",
                            replace_plan(), actor=args.actor, yes=args.yes, allow_production=args.allow_production)
        except Refused as e:
            return _err(str(e))
    t0 = time.perf_counter()
    years = _years(args.years)
    pop = synth.generate(households=args.households, years=years, seed=args.seed)
    print(f"generated {pop.households.num_rows:,} households, {pop.members.num_rows:,} members, "
          f"{pop.assessments.num_rows:,} assessments in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    if args.load:
        _django()
        from chungtay.households.demo import load_population
        try:
            counts = load_population(pop, replace=args.replace, actor=actor)
        except ValueError as e:
            return _err(str(e))
        print(f"loaded into the database: {counts}", file=sys.stderr)
    else:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for p in synth.write(pop, out, args.format):
            print(p)
    if args.summary:
        print(synth.format_summary(synth.summary(pop)), file=sys.stderr)
    return 0


class UsageError(Exception):
    """A bad argument: ``main`` prints the message and exits with status 2."""


MIN_YEAR, MAX_YEAR = 1990, 2100


def _years(spec: str) -> list[int]:
    """``2016-2025`` or ``2024,2025`` -> the list of years; UsageError otherwise."""
    text = str(spec).replace(" ", "")
    try:
        if "-" in text:
            a, b = text.split("-")
            years = list(range(int(a), int(b) + 1))
            if int(a) > int(b):
                raise UsageError(f"--years {spec}: the first year is after the last (write e.g. 2016-2025)")
        else:
            years = [int(y) for y in text.split(",")]
    except ValueError:
        raise UsageError(f"--years {spec!r}: write a range like 2016-2025 or a list like 2024,2025") from None
    bad = [y for y in years if not MIN_YEAR <= y <= MAX_YEAR]
    if bad or not years:
        raise UsageError(f"--years {spec}: years must lie between {MIN_YEAR} and {MAX_YEAR}")
    return years


# a whole number of at least 1 (and not absurdly large)
_count = bounded(int, 1, 10_000_000, "a whole number")


def _out_dir(text: str) -> str:
    """argparse type: a folder that exists or can be created (checked before any work is done)."""
    p = Path(text).expanduser()
    if p.exists() and not p.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: exists and is not a folder")
    q = p
    while not q.exists():
        q = q.parent
    if not q.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: {q} is a file, not a folder")
    if not os.access(q, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"{text}: no permission to write in {q}")
    return text


def _out_file(text: str) -> str:
    """argparse type: a file we can write (its folder exists and is writable; not a folder itself)."""
    p = Path(text).expanduser()
    if p.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: is a folder; give a file name")
    parent = p.parent
    if not parent.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: {parent} is not a folder" if parent.exists()
                                         else f"{text}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise argparse.ArgumentTypeError(f"{text}: no permission to write there")
    return text


_port = bounded(int, 1, 65535, "a port number")


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chungtay.settings")
    import django
    django.setup()


def cmd_demo(args) -> int:
    _django()
    from django.core.management import call_command
    from chungtay.env import is_production
    from chungtay.households.demo import DEMO_USERS, setup_demo
    from chungtay import fresh_schema
    t0 = time.perf_counter()
    if not fresh_schema.create():          # an empty database in one pass; any other through migrate
        call_command("migrate", verbosity=0)
    url = f"http://{args.host}:{args.port}/"
    queued = None
    if args.no_serve or args.no_worker or is_production():     # load here, in this terminal
        setup_demo(households=args.households, seed=args.seed, log=lambda m: print(m, flush=True))
        print(f"demo ready in {time.perf_counter() - t0:.0f}s", flush=True)
    else:                    # the worker started beside the server loads it; the pages show the progress
        from chungtay.jobs.demo import ensure_queued
        queued = ensure_queued(args.households, args.seed)
        if queued is None:
            print(f"demo ready in {time.perf_counter() - t0:.0f}s", flush=True)
    print("\n" + "=" * 64)
    if args.no_serve:
        print("Khởi động / start: chungtay serve")
    else:
        print(f"Chung Tay đang chạy tại / is running at: {url}")
    if queued is not None:
        print(f"Đang nạp dữ liệu mẫu trong nền ({args.households:,} hộ, 1–3 phút): trang web hiện tiến độ.\n"
              f"Loading the demo data in the background (1–3 minutes): the web page shows the progress.")
    print("Tài khoản demo / demo logins (mật khẩu / password: %s):" % DEMO_USERS[0][1])
    for username, _pw, role in DEMO_USERS:
        print(f"  {username:<14} {role}")
    print("=" * 64 + "\n", flush=True)
    if args.no_serve:
        return 0
    call_command("collectstatic", interactive=False, verbosity=0)
    return _serve(args)


def cmd_serve(args) -> int:
    _django()
    return _serve(args)


def _serve(args) -> int:
    """The web app; in development also a background worker (a child process stopped with the
    server), so that `make demo` alone runs imports. Production runs `chungtay worker` as its own
    service (docs/jobs.md)."""
    from chungtay.env import is_production
    from chungtay.jobs.devworker import alongside
    from chungtay.serve import serve
    with alongside(not is_production() and not args.no_worker):
        serve(args.host, args.port, threads=getattr(args, "threads", 8))
    return 0


def cmd_export(args) -> int:
    _django()
    from chungtay.snapshots import export
    years = _years(args.years) if args.years else None
    files = export(args.out, years, log=lambda m: print(m, file=sys.stderr))
    print(f"{len(files)} Parquet files in {args.out} (hive partitions year=/province=)", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="chungtay", description="Chung Tay — poverty registry and standards")
    sub = p.add_subparsers(dest="command", required=True)

    st = sub.add_parser("standards", help="legal poverty standards").add_subparsers(dest="sub", required=True)
    sl = st.add_parser("list", help="list the standards")
    sl.add_argument("--format", choices=("text", "json"), default="text")
    sl.set_defaults(func=cmd_standards_list)
    ss = st.add_parser("show", help="show one standard")
    ss.add_argument("code")
    ss.add_argument("--format", choices=("text", "json"), default="text")
    ss.set_defaults(func=cmd_standards_show)

    c = sub.add_parser("classify", help="classify a file of households (.csv/.xlsx/.parquet)",
                       description="Input columns: household_id, area (rural/urban), income or score_a, "
                                   "one 0/1 column per indicator code of the standard. Rows in error "
                                   "messages are numbered as in a spreadsheet (header = row 1).")
    c.add_argument("input")
    g = c.add_mutually_exclusive_group(required=True)
    g.add_argument("--standard")
    g.add_argument("--year", type=int)
    c.add_argument("-o", "--output", type=_out_file, help="output .csv/.xlsx/.parquet (default: CSV on standard output)")
    c.set_defaults(func=cmd_classify)

    gen = sub.add_parser("generate", help="deterministic synthetic population")
    gen.add_argument("--households", type=_count, default=129_000)
    gen.add_argument("--years", default="2016-2025", help="e.g. 2016-2025 or 2024,2025")
    gen.add_argument("--seed", type=int, default=20161231)
    gen.add_argument("--out", type=_out_dir, default="data/synthetic")
    gen.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    gen.add_argument("--load", action="store_true", help="load into the database instead of writing files")
    gen.add_argument("--replace", action="store_true", help="with --load: replace the existing demo population "
                     "(only it: imported and registered households are kept); asks for confirmation")
    from chungtay.destructive import add_arguments as add_destructive_arguments
    add_destructive_arguments(gen, "replaces the demo population")
    gen.add_argument("--summary", action="store_true", help="print the calibration table")
    gen.set_defaults(func=cmd_generate)

    d = sub.add_parser("demo", help="migrate, load the demo province and start the web app")
    d.add_argument("--households", type=_count, default=129_000)
    d.add_argument("--seed", type=int, default=20161231)
    d.add_argument("--host", default="127.0.0.1")
    d.add_argument("--port", type=_port, default=8000)
    d.add_argument("--no-serve", action="store_true")
    d.add_argument("--no-worker", action="store_true", help="do not start the background worker beside the server")
    d.set_defaults(func=cmd_demo)

    ex = sub.add_parser("export", help="Parquet snapshots by year and province for analysts")
    ex.add_argument("--out", type=_out_dir, default="data/snapshots")
    ex.add_argument("--years", help="e.g. 2016-2025 or 2024,2025 (default: all)")
    ex.set_defaults(func=cmd_export)

    sv = sub.add_parser("serve", help="start the web app")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=_port, default=8000)
    from chungtay.serve import threads_arg
    sv.add_argument("--threads", type=threads_arg, default=8, help="requests answered at once (default 8; "
                    "production on Debian uses gunicorn: docs/deploy.md)")
    sv.add_argument("--no-worker", action="store_true", help="development: do not start the background worker "
                    "(production never starts one: run `chungtay worker` as its own service)")
    sv.set_defaults(func=cmd_serve)

    from chungtay.imports.cli import add_parser as add_import_parser
    add_import_parser(sub)
    from chungtay.measures_cli import add_parser as add_measures_parser
    add_measures_parser(sub)
    from chungtay.emulation_cli import add_parser as add_emulation_parser
    add_emulation_parser(sub)
    from chungtay.keys_cli import add_parser as add_keys_parser
    add_keys_parser(sub)
    from chungtay.jobs.cli import add_parser as add_worker_parser
    add_worker_parser(sub)
    from chungtay.backup import add_parser as add_backup_parser
    add_backup_parser(sub)
    # Each app that has commands keeps them in its own cli.py with ``add_parser(sub)``.
    import importlib
    for name in APP_COMMANDS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name is not None and name.startswith(e.name):
                continue                    # the app (or its cli.py) is not there
            raise
        module.add_parser(sub)
    return p


# The apps whose command-line parsers are added to `chungtay …` (each module: add_parser(sub)).
APP_COMMANDS = ("chungtay.api.cli", "chungtay.field.cli", "chungtay.opendata.cli", "chungtay.support.cli",
                "chungtay.fund.cli", "chungtay.emulation.cli")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from chungtay.keys import ProductionRefused
    try:
        return args.func(args)
    except ProductionRefused as e:       # production mode without real keys: one line, no traceback
        return _err(str(e))
    except (UsageError, StandardError) as e:
        return _err(str(e))
    except OSError as e:                 # unreadable input, unwritable output path, port in use
        return _err(f"{e.filename + ': ' if getattr(e, 'filename', None) else ''}{e.strerror or e}")
    except KeyboardInterrupt:
        return 130
    except Exception as e:               # the database is not ready (no migrate yet, server down)
        from django.db import DatabaseError
        if isinstance(e, DatabaseError):
            return _err(f"database: {e} (run `chungtay demo --no-serve` or `python -m django migrate` first)")
        raise


if __name__ == "__main__":
    sys.exit(main())
