"""``chungtay field …``: the tablet survey of a review round (docs/field.md).

    chungtay field xlsform ROUND_ID -o FORM.xlsx [--list ho_ra_soat.csv]
    chungtay field import ROUND_ID FILE --actor USER [--json]
    chungtay field sync ROUND_ID --actor USER [--form XML_FORM_ID] [--json]

Exit status 0 when done; 2 on bad input — an unknown round or user, a user who may not survey the
round's commune, a file with bad rows (the report goes to standard error; nothing is written), an
unreachable or refusing ODK Central server.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

EXIT_BAD_INPUT = 2


def add_parser(sub) -> None:
    from chungtay.cli import _out_file
    p = sub.add_parser("field", help="review rounds on ODK Collect / KoboToolbox tablets: form, list, results",
                       description="Export a round's survey as an XLSForm with its household list, and import the "
                                   "submissions (ODK Central or KoboToolbox download, or ODK Central's OData feed). "
                                   "See docs/field.md.")
    fs = p.add_subparsers(dest="field_cmd", required=True)
    x = fs.add_parser("xlsform", help="write the round's XLSForm (.xlsx)")
    x.add_argument("round_id", type=int, metavar="ROUND_ID")
    x.add_argument("-o", "--out", required=True, type=_out_file, metavar="FILE.xlsx")
    x.add_argument("--list", type=_out_file, metavar="FILE.csv",
                   help="also write the household list (ho_ra_soat.csv: holds names, personal data)")
    x.set_defaults(func=cmd_xlsform)
    i = fs.add_parser("import", help="import a submissions file (.csv/.xlsx) into the round, all or nothing")
    i.add_argument("round_id", type=int, metavar="ROUND_ID")
    i.add_argument("file", metavar="FILE")
    i.add_argument("--actor", required=True, metavar="USER", help="the acting user (role, area and audit)")
    i.add_argument("--json", action="store_true", help="print the result as JSON")
    i.set_defaults(func=cmd_import)
    s = fs.add_parser("sync", help="read the round's submissions from the configured ODK Central server")
    s.add_argument("round_id", type=int, metavar="ROUND_ID")
    s.add_argument("--actor", required=True, metavar="USER", help="the acting user (role, area and audit)")
    s.add_argument("--form", metavar="XML_FORM_ID", help="the form on Central (default: the round's form ID)")
    s.add_argument("--json", action="store_true", help="print the result as JSON")
    s.set_defaults(func=cmd_sync)


def _err(msg: str) -> int:
    print(f"chungtay: error: {msg}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chungtay.settings")
    import django
    django.setup()


def _round(round_id: int):
    from chungtay.reviews.models import ReviewRound
    return ReviewRound.objects.select_related("commune").filter(pk=round_id).first()


def _actor(name: str):
    from django.contrib.auth import get_user_model
    return get_user_model().objects.filter(username=name, is_active=True).first()


def cmd_xlsform(args) -> int:
    _setup()
    from chungtay.core.standards import StandardError
    from chungtay.units.labels import village_labels

    from . import xlsform
    from .views import villages
    rnd = _round(args.round_id)
    if rnd is None:
        return _err(f"no review round {args.round_id}")
    try:
        form = xlsform.build(rnd, villages(rnd))
    except StandardError as e:
        return _err(f"round {rnd.pk} ({rnd.year}): {e}")
    Path(args.out).write_bytes(xlsform.to_xlsx(form))
    print(f"{args.out}: form_id {form.settings['form_id']}, version {form.settings['version']}, "
          f"standard {form.standard.code} ({len(form.standard.indicators)} indicators)")
    if args.list:
        rows = xlsform.household_rows(rnd, village_labels(rnd.commune))
        Path(args.list).write_bytes(xlsform.household_csv(rows))
        print(f"{args.list}: {len(rows)} households (names: personal data, see docs/field.md)")
    return 0


def _report(result, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"ok": result.ok, "source": result.source, "imported": result.imported,
                          "already": result.already, "skipped": result.skipped, "error_total": result.problem_total,
                          "errors": [p.as_list() for p in result.problems]}, ensure_ascii=False))
    if not result.ok:
        print(f"{result.problem_total} lỗi / errors — không ghi gì / nothing written:", file=sys.stderr)
        print("tệp\tdòng\tcột\tgiá trị\tlý do", file=sys.stderr)
        for p in result.problems:
            print(f"{p.sheet}\t{p.row}\t{p.column}\t{p.value}\t{p.reason}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not as_json:
        print(f"imported {len(result.imported)} submissions; {result.already} imported before; "
              f"{result.skipped} rejected on the server (skipped)")
        for r in result.imported:
            print(f"  row {r['row']}\t{r['code']}\t{r['category']}\t{r['explanation_en']}")
    return 0


def _prepare(args):
    _setup()
    rnd = _round(args.round_id)
    if rnd is None:
        return None, None, _err(f"no review round {args.round_id}")
    user = _actor(args.actor)
    if user is None:
        return None, None, _err(f"unknown user {args.actor!r}")
    return rnd, user, None


def cmd_import(args) -> int:
    from django.core.exceptions import PermissionDenied
    path = Path(args.file)
    if not path.is_file():
        return _err(f"{args.file}: " + ("is a folder, not a file" if path.is_dir() else "file not found"))
    rnd, user, fail = _prepare(args)
    if fail is not None:
        return fail
    from .submissions import import_file
    try:
        result = import_file(user, rnd, path, path.name)
    except PermissionDenied as e:
        return _err(f"{args.actor}: {e}")
    return _report(result, args.json)


def cmd_sync(args) -> int:
    from django.core.exceptions import PermissionDenied
    rnd, user, fail = _prepare(args)
    if fail is not None:
        return fail
    from . import central
    try:
        result = central.sync(user, rnd, form=args.form)
    except PermissionDenied as e:
        return _err(f"{args.actor}: {e}")
    except central.CentralError as e:
        return _err(f"{e.vi} / {e.en}")
    return _report(result, args.json)
