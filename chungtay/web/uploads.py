"""An uploaded table (Excel/CSV) on disk for the time of one import, in a private temporary folder.

    with upload_on_disk(form, f, "ct-fund-") as path:   # None when the file is too large
        if path is not None:
            result = importer.check_and_import(..., path, name)
"""
from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path

from chungtay.core import limits
from chungtay.i18n import tr


def upload_name(f) -> str:
    """The uploaded file's own name (no folders), as messages show it."""
    return Path(f.name or "tep").name[:120]


@contextmanager
def upload_on_disk(form, f, prefix: str):
    """Yield the file's path (deleted afterwards), or None with an error on ``form`` when it is over
    the size limit (checked before anything is written)."""
    if f.size > limits.MAX_FILE_BYTES:
        form.add_error("file", tr(f"Tệp lớn hơn {limits.MAX_FILE_BYTES // 2**20} MB",
                                  f"The file is over {limits.MAX_FILE_BYTES // 2**20} MB"))
        yield None
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as d:
        path = Path(d) / ("upload" + Path(upload_name(f)).suffix.lower())
        with open(path, "wb") as out:
            for chunk in f.chunks():
                out.write(chunk)
        yield path
