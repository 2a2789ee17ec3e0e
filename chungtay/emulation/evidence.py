"""Evidence files of the movement (pact scans, activity photos, self-assessment evidence): the
storage pattern of ``chungtay/support/evidence.py`` (JPEG, PNG or PDF checked by content, at most
10 MB, kept under ``DATA_DIR/emulation-evidence/`` with mode 0600 under a random name), served
only through the movement's scoped read (outside the area: 404)."""
from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

from chungtay.i18n import tr
from chungtay.support.evidence import MAX_BYTES, _kind

from .models import EvidenceFile, Movement


def folder() -> Path:
    d = Path(settings.DATA_DIR) / "emulation-evidence"
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    return d


def path_of(ev: EvidenceFile) -> Path:
    return folder() / ev.stored_name


def store(actor, movement: Movement, upload, field: str = "evidence") -> EvidenceFile:
    """Keep an upload; the caller has checked the role and runs inside its transaction (on a
    rollback it calls :func:`discard`)."""
    size = getattr(upload, "size", 0) or 0
    if size <= 0:
        raise ValidationError({field: tr("Tệp minh chứng rỗng", "The evidence file is empty")})
    if size > MAX_BYTES:
        raise ValidationError({field: tr(f"Tệp minh chứng lớn hơn {MAX_BYTES // 2**20} MB",
                                         f"The evidence file is over {MAX_BYTES // 2**20} MB")})
    chunks = upload.chunks()
    first = next(iter(chunks), b"")
    kind = _kind(first[:16])
    if kind is None:
        raise ValidationError({field: tr("Tệp minh chứng phải là ảnh JPEG, PNG hoặc PDF",
                                         "The evidence must be a JPEG or PNG image or a PDF")})
    ctype, ext = kind
    name = uuid.uuid4().hex + ext
    target = folder() / name
    digest = hashlib.sha256(first)
    written = len(first)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(first)
            for chunk in chunks:
                written += len(chunk)
                if written > MAX_BYTES:
                    raise ValidationError({field: tr("Tệp minh chứng quá lớn", "The evidence file is too large")})
                out.write(chunk)
                digest.update(chunk)
        return EvidenceFile.objects.create(
            movement=movement, stored_name=name, original_name=Path(getattr(upload, "name", "") or "tep").name[:200],
            content_type=ctype, size=written, sha256=digest.hexdigest(),
            uploaded_by=actor if getattr(actor, "pk", None) else None)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def discard(ev: EvidenceFile | None) -> None:
    if ev is not None:
        (folder() / ev.stored_name).unlink(missing_ok=True)
