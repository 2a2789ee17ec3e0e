"""Protection for personal identifiers (citizen ID number, CCCD).

Stored encrypted (AES-256-GCM) with a keyed digest (HMAC-SHA256) for matching re-imports; shown
masked. Both keys come from FIELD_ENCRYPTION_KEY alone (chungtay/keys.py, docs/security.md).
Never logged: only the digest and the mask may leave this module.
"""
from __future__ import annotations

import re

from django.conf import settings

from chungtay.keys import FieldKey

# Birth-place codes of the 12-digit CCCD (Circular 07/2016/TT-BCA, 63 pre-2025 provinces).
BIRTH_PLACE_CODES = {
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020",
    "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038",
    "040", "042", "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060",
    "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082",
    "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
}


class CitizenIdError(ValueError):
    pass


def validate_citizen_id(value: str, sex: str | None = None, birth_year: int | None = None) -> str:
    """Return the normalised 12-digit number or raise CitizenIdError (message in Vietnamese)."""
    v = re.sub(r"\s", "", str(value or ""))
    if not re.fullmatch(r"\d{12}", v):
        raise CitizenIdError("Số CCCD phải gồm đúng 12 chữ số")
    if v[:3] not in BIRTH_PLACE_CODES:
        raise CitizenIdError("Số CCCD: 3 chữ số đầu không phải mã tỉnh nơi đăng ký khai sinh")
    gender_century = int(v[3])
    if birth_year is not None:
        century = 1900 + 100 * (gender_century // 2)
        if century != (birth_year // 100) * 100 or int(v[4:6]) != birth_year % 100:
            raise CitizenIdError("Số CCCD không khớp với năm sinh")
    if sex in ("M", "F") and (gender_century % 2 == 1) != (sex == "F"):
        raise CitizenIdError("Số CCCD không khớp với giới tính")
    return v


def field_key() -> FieldKey:
    """The current field key (FIELD_ENCRYPTION_KEY only: never derived from SECRET_KEY)."""
    value = settings.FIELD_ENCRYPTION_KEY
    k = _cache.get(value)
    if k is None:
        _cache.clear()
        k = _cache[value] = FieldKey.from_value(value)
    return k


_cache: dict[str, FieldKey] = {}


def encrypt(value: str) -> str:
    """``v1:<key id>:<base64(nonce + AES-256-GCM ciphertext)>``."""
    return field_key().encrypt(value)


def decrypt(token: str) -> str:
    return field_key().decrypt(token)


def digest(value: str) -> str:
    return field_key().digest(value)


def mask(value: str) -> str:
    return "•" * (len(value) - 3) + value[-3:] if value else ""
