"""``chungtay import FILE [FILE…] --commune CODE --user USERNAME [--dry-run]``.

Exit status 0 when the file was imported (or, with --dry-run, is valid); 2 when any row is
bad — the per-row report (sheet, row, column, value, reason) goes to standard error and
nothing is written — or on a usage error (unknown commune or user, commune outside the
user's area). Progress is a text bar on standard error, redrawn in place.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

EXIT_BAD_INPUT = 2
BAR = 30


def add_parser(sub) -> None:
    p = sub.add_parser(
        "import", help="import households, members and review results from .xlsx/.csv into one commune",
        description="Import the template workbook (sheets Ho, NhanKhau, RaSoat) or .csv files (one per sheet) "
                    "into one commune, all or nothing. Bad rows are reported (row numbered as in the "
                    "spreadsheet, header = row 1) and nothing is written. Re-importing changes nothing. "
                    "See docs/import.md.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--commune", required=True, metavar="CODE", help="code of the commune (2025 units)")
    p.add_argument("--user", required=True, metavar="USERNAME", help="the acting user (scope and audit)")
    p.add_argument("--dry-run", action="store_true", help="check and count only; write nothing")
    from chungtay.cli import _out_file
    p.add_argument("--errors", metavar="REPORT.xlsx", type=_out_file,
                   help="also write the error report to this workbook")
    p.add_argument("--json", action="store_true", help="print the result as JSON on standard output")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_import)


class ProgressBar:
    def __init__(self, stream=None, enabled: bool = True):
        self.stream, self.enabled = stream or sys.stderr, enabled
        self.last = (-1, "")
        self.t0 = time.perf_counter()

    def __call__(self, pct, msg: str = "") -> None:
        pct = max(0, min(100, int(pct)))
        if not self.enabled or (pct, msg) == self.last:
            return
        self.last = (pct, msg)
        fill = BAR * pct // 100
        line = f"\r[{'#' * fill}{'.' * (BAR - fill)}] {pct:3d}% {time.perf_counter() - self.t0:5.1f}s {msg[:40]:<40}"
        self.stream.write(line)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.last[0] >= 0:
            self.stream.write("\n")
            self.stream.flush()


def _err(msg: str) -> int:
    print(f"chungtay: error: {msg}", file=sys.stderr)
    return EXIT_BAD_INPUT


def cmd_import(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chungtay.settings")
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    from chungtay.units.models import Unit

    from . import actions, workbook

    for f in args.files:
        if not Path(f).is_file():
            return _err(f"{f}: " + ("is a folder, not a file" if Path(f).is_dir() else "file not found"))
    user = get_user_model().objects.filter(username=args.user).first()
    if user is None:
        return _err(f"unknown user {args.user!r}")
    commune = Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.COMMUNE, code=args.commune).first()
    if commune is None:
        return _err(f"unknown commune code {args.commune!r} (2025 units)")
    bar = ProgressBar(enabled=not args.quiet and not args.json)
    try:
        out = actions.run_import(user, commune, [(f, Path(f).name) for f in args.files], dry_run=args.dry_run,
                                 progress=bar, source="cli")
    except PermissionDenied as e:
        bar.close()
        return _err(f"{args.user}: {e}")
    bar.close()
    if args.errors and out.problems:
        Path(args.errors).write_bytes(workbook.error_report([p.as_list() for p in out.problems], out.problem_total))
    if args.json:
        print(json.dumps({"ok": out.ok, "dry_run": out.dry_run, "counts": out.counts, "rows": out.rows_read,
                          "error_total": out.problem_total, "errors": [p.as_list() for p in out.problems],
                          "seconds": out.seconds}, ensure_ascii=False))
    if not out.ok:
        print(f"{out.problem_total} lỗi / errors — không ghi gì / nothing written "
              f"({commune.full_name}):", file=sys.stderr)
        print("bảng\tdòng\tcột\tgiá trị\tlý do", file=sys.stderr)
        for p in out.problems:
            print(f"{p.sheet}\t{p.row}\t{p.column}\t{p.value}\t{p.reason}", file=sys.stderr)
        if out.problem_total > len(out.problems):
            print(f"… {out.problem_total - len(out.problems)} more", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not args.json:
        head = "dry run — would import" if out.dry_run else "imported"
        print(f"{head} into {commune.full_name} ({commune.code}) in {out.seconds.get('total', 0):.1f}s:")
        for kind, c in out.counts.items():
            print(f"  {kind:<11} created {c['created']:>8,}  updated {c['updated']:>8,}  "
                  f"unchanged {c['unchanged']:>8,}")
        if out.changed == 0 and not out.dry_run:
            print("  nothing changed: everything in the file was already there")
        for source, cols in out.ignored_columns.items():
            print(f"  {source}: ignored column(s) {', '.join(cols)}", file=sys.stderr)
    return 0
