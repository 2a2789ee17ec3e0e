"""Bounds of the numbers people type, shared by the forms, the actions and the import.

Income is whole đồng per person per month; 10^11 is far above any real income and far inside a
64-bit integer (SQLite and PostgreSQL BIGINT), so sums over a province cannot overflow either.
"""
from __future__ import annotations

from datetime import date

MAX_INCOME = 10 ** 11          # đồng/người/tháng
MAX_SCORE_A = 1000             # score A of the B questionnaire (thresholds are 140 / 175)
MIN_BIRTH_YEAR = 1900
# Years a page or a query parameter may ask for (results exist from 2016; standards to 2030).
MIN_YEAR, MAX_YEAR = 1990, 2100


def max_birth_year() -> int:
    return date.today().year


def income_error(value) -> tuple[str, str] | None:
    """(vi, en) when ``value`` is not an income we can store, else None."""
    if value < 0:
        return ("Thu nhập không được âm", "Income cannot be negative")
    if value > MAX_INCOME:
        return (f"Thu nhập phải từ 0 đến {MAX_INCOME:,} đồng/người/tháng".replace(",", "."),
                f"Income must be between 0 and {MAX_INCOME:,} VND per person per month")
    return None


def score_error(value) -> tuple[str, str] | None:
    if not 0 <= value <= MAX_SCORE_A:
        return (f"Điểm A phải từ 0 đến {MAX_SCORE_A}", f"Score A must be between 0 and {MAX_SCORE_A}")
    return None


def birth_year_error(year) -> tuple[str, str] | None:
    top = max_birth_year()
    if not MIN_BIRTH_YEAR <= year <= top:
        return (f"Năm sinh phải từ {MIN_BIRTH_YEAR} đến {top}",
                f"Year of birth must be between {MIN_BIRTH_YEAR} and {top}")
    return None
