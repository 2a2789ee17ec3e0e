"""Read an output back (tests and checks): the text of a PDF, the cells of a workbook."""
from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import unicodedata


def pdf_text(content: bytes) -> str:
    """All text of a PDF, NFC-normalised: pypdf when installed, else poppler's pdftotext."""
    try:
        from pypdf import PdfReader
    except ImportError:
        PdfReader = None
    if PdfReader is not None:
        text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    elif shutil.which("pdftotext"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(content)
            f.flush()
            text = subprocess.run(["pdftotext", "-layout", f.name, "-"], check=True, capture_output=True,
                                  text=True).stdout
    else:  # pragma: no cover - the test extra installs pypdf
        raise RuntimeError("install pypdf (pip install -e '.[test]') or poppler-utils to read PDFs back")
    return unicodedata.normalize("NFC", text)


def pdf_pages(content: bytes) -> int:
    from pypdf import PdfReader
    return len(PdfReader(io.BytesIO(content)).pages)


def xlsx_rows(content: bytes) -> list[list]:
    """Values of the first sheet, row by row (merged areas hold their value in the first cell)."""
    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(content), data_only=True).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def xlsx_text(content: bytes) -> str:
    return "\n".join(" | ".join("" if v is None else str(v) for v in row) for row in xlsx_rows(content))
