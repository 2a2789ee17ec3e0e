"""Protection for personal identifiers (citizen ID number, CCCD).

Stored encrypted (AES-GCM) with a keyed digest for matching re-imports; shown masked.
Never logged: only the digest and the mask may leave this module.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

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


def _key() -> bytes:
    secret = settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY
    return hashlib.sha256(("chungtay-field-key:" + secret).encode()).digest()


def encrypt(value: str) -> str:
    nonce = os.urandom(12)
    ct = AESGCM(_key()).encrypt(nonce, value.encode(), None)
    return base64.b64encode(nonce + ct).decode()


def decrypt(token: str) -> str:
    raw = base64.b64decode(token)
    return AESGCM(_key()).decrypt(raw[:12], raw[12:], None).decode()


def digest(value: str) -> str:
    return hmac.new(_key(), value.encode(), hashlib.sha256).hexdigest()


def mask(value: str) -> str:
    return "•" * (len(value) - 3) + value[-3:] if value else ""
