"""``chungtay emulation score TABLE.json INPUT [--id-column COLUMN] [--cluster-column COLUMN] --format json``
(issue 12 §5): each participant's points per criterion, total, rank in its cluster and band, from a
criteria table in the app's export format and a .csv/.xlsx/.parquet file of one row per participant.

Exit status 2 with a message on standard error for a malformed table or bad input; the message names
the file, the criteria and the rows. Rows are numbered as ``chungtay measures`` numbers them, as in a
spreadsheet: the header is row 1, the first participant row 2 (for Parquet too: row N is the
(N − 1)-th record). The computation is in :mod:`chungtay.core.emulation`; see docs/emulation.md.
"""
from __future__ import annotations

import argparse
import unicodedata

from chungtay.measures_cli import BadInput, _dump, _pipe_safe, _problems

FORMATS = ("json",)
DEFAULT_ID_COLUMN = "id"


def _name(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


@_pipe_safe
def cmd_score(args) -> int:
    from chungtay.cli import _err
    from chungtay.core import emulation
    from chungtay.core.tables import InputError, read_table
    try:
        try:
            table = emulation.load_table(args.table)
        except emulation.TableError as e:
            raise BadInput(_problems(args.table, e.problems)) from None
        id_col = _name(args.id_column)
        cl_col = _name(args.cluster_column) if args.cluster_column else None
        try:
            data = read_table(args.input, text_columns=tuple(c.lower() for c in (id_col, cl_col) if c))
        except InputError as e:
            raise BadInput(str(e)) from None
        if data.num_rows == 0:
            raise BadInput(f"{args.input}: the file has no data rows")
        names = data.column_names
        problems: list[str] = []
        if id_col not in names:
            problems.append(f"missing id column {id_col} (--id-column; the file has: {', '.join(names)})")
        if cl_col and cl_col not in names:
            problems.append(f"missing cluster column {cl_col} (--cluster-column; the file has: {', '.join(names)})")
        needed = [id_col, *([cl_col] if cl_col else []), *table.columns]
        dup = sorted({c for c in needed if names.count(c) > 1})
        if dup:
            problems.append(f"duplicate column(s): {', '.join(dup)}")
            raise BadInput(_problems(args.input, problems))
        columns = {c: data.column(c) for c in table.columns if c in names}
        more, _ = emulation.check_input(
            table, columns, data.column(id_col) if id_col in names else None,
            data.column(cl_col) if cl_col and cl_col in names else None, first_row=2,
            id_label=f"id column {id_col}", cluster_label=f"cluster column {cl_col}")
        problems += [p + f" (the file has: {', '.join(names)})" if p.startswith("missing column(s)") else p
                     for p in more]
        if problems:
            raise BadInput(_problems(args.input, problems))
        try:
            result = emulation.score(table, columns, data.column(id_col),
                                     data.column(cl_col) if cl_col else None, first_row=2)
        except emulation.ScoreInputError as e:
            raise BadInput(_problems(args.input, e.problems)) from None
    except BadInput as e:
        return _err(str(e))
    _dump(result.to_dict())
    return 0


def add_parser(sub) -> argparse.ArgumentParser:
    """Register ``chungtay emulation score`` on the top-level subparsers of :func:`chungtay.cli.build_parser`.

    The group's subparsers are kept as ``parser.commands``. The movement app (``chungtay.emulation.cli``
    in ``APP_COMMANDS``) must add its subcommands there (``sub.choices["emulation"].commands``): a
    second ``sub.add_parser("emulation")`` is refused by argparse ("conflicting subparser")."""
    e = sub.add_parser("emulation", help="emulation movement: score participants from a criteria table",
                       description="Emulation movement (phong trào thi đua). See docs/emulation.md.")
    es = e.add_subparsers(dest="emulation_command", required=True)
    e.commands = es
    s = es.add_parser(
        "score", help="points per criterion, total, rank in the cluster and band of each participant",
        description="Score a .csv/.xlsx/.parquet file of one row per participant against a criteria table "
                    "(JSON: code, name, criteria, bands). Kinds: boolean, threshold, ratio, relative, bonus. "
                    "Output: {\"table\": code, \"participants\": [...]} in input order. A malformed table or "
                    "bad input exits with status 2 naming the criteria and rows (numbered as in a "
                    "spreadsheet: header = row 1). See docs/emulation.md.")
    s.add_argument("table", metavar="TABLE.json", help="the criteria table (the app's export format)")
    s.add_argument("input", metavar="INPUT", help="one row per participant: .csv, .xlsx or .parquet")
    s.add_argument("--id-column", default=DEFAULT_ID_COLUMN, metavar="COLUMN",
                   help=f"the participant's id (default {DEFAULT_ID_COLUMN})")
    s.add_argument("--cluster-column", metavar="COLUMN",
                   help="rank (and scale relative criteria) within each value of this column; "
                        "default: all rows are one cluster")
    s.add_argument("--format", choices=FORMATS, required=True, help="output format (json)")
    s.set_defaults(func=cmd_score)
    return e
