"""Shared pieces of the resource modules: the query parameters every list accepts, unit
filters through the user's area, and the answer of a list (docs/api.md, "Adding a resource")."""
from __future__ import annotations

from datetime import datetime
from typing import Literal, Optional

from django.utils import timezone
from ninja import Query, Schema

from chungtay.accounts.access import unit_for_user
from chungtay.core.standards import CATEGORIES

from .base import DEFAULT_LIMIT, MAX_LIMIT
from .errors import ApiError

Category = Literal["poor", "near_poor", "average", "above_average"]
assert set(CATEGORIES) == {"poor", "near_poor", "average", "above_average"}
MIN_YEAR, MAX_YEAR = 2000, 2100

CURSOR = Query(None, description="next_cursor of the previous page (opaque)", max_length=200)
LIMIT = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"rows per page (1–{MAX_LIMIT})")
UNIT = Query(None, ge=1, le=2 ** 62, description="id of a unit (any level, either hierarchy) inside your area")
YEAR = Query(None, ge=MIN_YEAR, le=MAX_YEAR, description="review year")
CATEGORY = Query(None, description="category of the year's current periodic result (needs year)")
EM = Query(None, description="ethnic-minority households only (true) or the others (false)")
SINCE = Query(None, description="changed at or after this moment (ISO 8601; without a zone: Vietnam time)")


def unit_in_area(user, unit_id):
    """The unit of a filter: 404 when it does not exist or lies outside the user's area, as a page."""
    return None if unit_id is None else unit_for_user(user, unit_id)


def aware(value: Optional[datetime]) -> Optional[datetime]:
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def need_year(year, category) -> None:
    if category is not None and year is None:
        raise ApiError(400, "invalid", "Lọc theo loại hộ cần có năm (year)", "Filtering by category needs a year",
                       [("year", "Cần có năm khi lọc theo loại hộ", "Required with category")])


class ErrorMessage(Schema):
    vi: str
    en: str


class FieldError(Schema):
    field: Optional[str]
    message: ErrorMessage


class Error(Schema):
    """The one error shape (docs/api.md)."""
    error: str
    code: str
    status: int
    message: ErrorMessage
    field: Optional[str]
    fields: list[FieldError]


# every operation documents these answers (the contract test checks them against the schema)
READ_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 429: Error}
WRITE_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 429: Error}
