"""Vietnamese number formatting (1.200.000 đ; 20,30%) and diacritic folding for search."""
from __future__ import annotations

import math
import unicodedata


def number(x: float | int | None, decimals: int = 0, lang: str = "vi") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    s = f"{x:,.{decimals}f}"  # 1,234,567.89
    if lang == "vi":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s


def money(x: float | int | None, lang: str = "vi") -> str:
    if x is None:
        return "–"
    return f"{number(x, 0, lang)} đ" if lang == "vi" else f"{number(x, 0, lang)} VND"


def percent(x: float | None, decimals: int = 2, lang: str = "vi") -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{number(x, decimals, lang)}%"


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics ("Nguyễn Văn Á" -> "nguyen van a"); đ -> d."""
    if not text:
        return ""
    t = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    t = "".join(c for c in t if unicodedata.category(c) != "Mn")
    return " ".join(t.lower().split())


def nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "").strip()
