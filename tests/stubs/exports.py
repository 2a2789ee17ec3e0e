"""Submission downloads as KoboToolbox and ODK Central write them, built from the form's own
survey sheet (so the columns follow the form): the stand-in for the servers' export buttons.

KoboToolbox ("XML values and headers", groups included): ``;``-separated CSV (or XLSX), group
paths joined by ``/`` (``ho/ma_ho``), select_multiple as one space-separated column *and* one
0/1 column per choice (``chi_so/thieu_hut/employment``, the default "both"), then its metadata
``_id``, ``_uuid`` (the instance ID without ``uuid:``), ``_submission_time``, ``_validation_status``,
``_notes``, ``_status``, ``_submitted_by``, ``__version__``, ``_tags``, ``_index``.

ODK Central (submissions.csv): ``SubmissionDate`` first, group paths joined by ``-``
(``ho-ma_ho``), select_multiple space-separated, ``meta-instanceID``, then ``KEY``,
``SubmitterID``, ``SubmitterName``, ``AttachmentsPresent``, ``AttachmentsExpected``, ``Status``,
``ReviewState``, ``DeviceID``, ``Edits``, ``FormVersion``.
"""
from __future__ import annotations

import csv
import io

KOBO_META = ("_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
             "__version__", "_tags", "_index")
CENTRAL_META = ("KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
                "ReviewState", "DeviceID", "Edits", "FormVersion")


def fields(form) -> list[tuple[list[str], str, str]]:
    """(group path, name, type) of every question that has a value in an export."""
    out, path = [], []
    for row in form.survey:
        t = row["type"]
        if t == "begin_group":
            path.append(row["name"])
        elif t == "end_group":
            path.pop()
        elif t != "note":
            out.append((list(path), row["name"], t))
    return out


def choices(form, list_name: str) -> list[str]:
    return [c["name"] for c in form.choices if c["list_name"] == list_name]


def kobo_rows(form, submissions: list[dict], *, group_sep: str = "/", multi: str = "both") -> list[list]:
    """``submissions``: [{"uuid", "values": {name: value}, "time", "validation"}]."""
    header, cells = [], []
    for path, name, t in fields(form):
        col = group_sep.join(path + [name])
        if t.startswith("select_multiple"):
            opts = choices(form, t.split()[1])
            if multi in ("both", "summary"):
                header.append(col)
                cells.append(lambda s, name=name: s["values"].get(name, ""))
            if multi in ("both", "details"):
                for o in opts:
                    header.append(f"{col}{group_sep}{o}")
                    cells.append(lambda s, name=name, o=o: ("1" if o in str(s["values"].get(name, "")).split() else "0")
                                 if s["values"].get(name) not in (None, "") else "")
        else:
            header.append(col)
            cells.append(lambda s, name=name: s["values"].get(name, ""))
    rows = [header + list(KOBO_META)]
    for i, s in enumerate(submissions, 1):
        rows.append([f(s) for f in cells] + [
            str(1000 + i), s["uuid"], s.get("time", f"2026-10-0{i % 9 + 1}T08:30:00"), s.get("validation", ""), "",
            "submitted_via_web", "truongthon", form.settings["version"], "", str(i)])
    return rows


def central_rows(form, submissions: list[dict]) -> list[list]:
    cols = [(("-".join(p + [n])), n) for p, n, _ in fields(form)]
    rows = [["SubmissionDate"] + [c for c, _ in cols] + ["meta-instanceID"] + list(CENTRAL_META)]
    for s in submissions:
        iid = "uuid:" + s["uuid"]
        rows.append([s.get("time", "2026-10-02T08:30:00.000Z")] + [s["values"].get(n, "") for _, n in cols] + [
            iid, iid, "5", "Trưởng thôn", "0", "0", "", s.get("review", ""), "", "0", form.settings["version"]])
    return rows


def to_csv(rows: list[list], sep: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=sep).writerows(rows)
    return out.getvalue().encode("utf-8")


def to_xlsx(rows: list[list], sheet: str) -> bytes:
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
