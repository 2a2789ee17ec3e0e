"""CSV cells a spreadsheet will not run as formulas ("CSV injection").

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return as a formula. A name typed as ``=HYPERLINK(…)`` must arrive as text:
such a cell gets a leading apostrophe (which spreadsheets show as text and hide). Numbers stay
numbers: ``-3.5`` and ``-3,5`` (a Vietnamese decimal comma) are written unchanged.

Every CSV the project writes goes through :func:`writer` / :class:`DictWriter` (or :func:`cell`
for other formats); xlsx files write text cells with ``write_string``, never ``write``.
"""
from __future__ import annotations

import csv
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def cell(value):
    """``value`` made safe for a spreadsheet cell (non-strings are returned unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def row(values) -> list:
    return [cell(v) for v in values]


class _Writer:
    def __init__(self, f, **kwargs):
        self._w = csv.writer(f, **kwargs)

    def writerow(self, values):
        return self._w.writerow(row(values))

    def writerows(self, rows):
        for r in rows:
            self.writerow(r)


def writer(f, **kwargs) -> _Writer:
    """``csv.writer`` whose cells are made safe with :func:`cell`."""
    return _Writer(f, **kwargs)


class DictWriter(csv.DictWriter):
    """``csv.DictWriter`` whose values (and header names) are made safe with :func:`cell`."""

    def writeheader(self):
        return self.writer.writerow(row(self.fieldnames))

    def _dict_to_list(self, rowdict):
        return row(super()._dict_to_list(rowdict))
