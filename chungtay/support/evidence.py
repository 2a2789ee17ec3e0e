"""Evidence files (a photo or a scan of the hand-over record): stored under
``DATA_DIR/support-evidence/`` with mode 0600 (the folder 0700), named by a random id, never
by the uploaded name; served only through :func:`chungtay.support.views.evidence_file`, which
finds the file through ``Evidence.objects.for_user`` (outside the area: 404)."""
from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from chungtay.accounts.roles import require
from chungtay.households.actions import audit
from chungtay.households.models import Household
from chungtay.i18n import tr

from .models import Evidence

MAX_BYTES = 10 * 1024 * 1024
TYPES = ((b"\xff\xd8\xff", "image/jpeg", ".jpg"), (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
         (b"%PDF-", "application/pdf", ".pdf"))


def folder() -> Path:
    d = Path(settings.DATA_DIR) / "support-evidence"
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    return d


def path_of(ev: Evidence) -> Path:
    return folder() / ev.stored_name


def _kind(head: bytes):
    for magic, ctype, ext in TYPES:
        if head.startswith(magic):
            return ctype, ext
    return None


@transaction.atomic
def store(actor, household: Household, upload) -> Evidence:
    """Keep an uploaded file (Django UploadedFile or any object with ``chunks()``, ``size``, ``name``)."""
    require(actor, "support_record", household.village)
    if not Household.objects.for_user(actor).filter(pk=household.pk).exists():
        raise ValidationError(tr("Hộ nằm ngoài địa bàn được giao", "The household is outside your area"))
    size = getattr(upload, "size", 0) or 0
    if size <= 0:
        raise ValidationError({"evidence": tr("Tệp minh chứng rỗng", "The evidence file is empty")})
    if size > MAX_BYTES:
        raise ValidationError({"evidence": tr(f"Tệp minh chứng lớn hơn {MAX_BYTES // 2**20} MB",
                                              f"The evidence file is over {MAX_BYTES // 2**20} MB")})
    chunks = upload.chunks()
    first = next(iter(chunks), b"")
    kind = _kind(first[:16])
    if kind is None:
        raise ValidationError({"evidence": tr("Tệp minh chứng phải là ảnh JPEG, PNG hoặc PDF",
                                              "The evidence must be a JPEG or PNG image or a PDF")})
    ctype, ext = kind
    name = uuid.uuid4().hex + ext
    target = folder() / name
    digest = hashlib.sha256()
    written = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in [first] if first else []:
                out.write(chunk)
                digest.update(chunk)
                written += len(chunk)
            for chunk in chunks:
                written += len(chunk)
                if written > MAX_BYTES:
                    raise ValidationError({"evidence": tr("Tệp minh chứng quá lớn", "The evidence file is too large")})
                out.write(chunk)
                digest.update(chunk)
        os.chmod(target, 0o600)
        ev = Evidence.objects.create(stored_name=name, original_name=Path(getattr(upload, "name", "") or "tep").name[:200],
                                     content_type=ctype, size=written, sha256=digest.hexdigest(),
                                     village=household.village, commune=household.commune, province=household.province,
                                     uploaded_by=actor if getattr(actor, "pk", None) else None)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    audit(actor, "evidence.upload", ev, household.village, content_type=ctype, size=written)
    return ev


def discard(ev: Evidence | None) -> None:
    """Remove the file of evidence whose transaction was rolled back (the row is gone with it)."""
    if ev is not None:
        (folder() / ev.stored_name).unlink(missing_ok=True)
