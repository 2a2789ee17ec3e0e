"""Secret keys: where they come from, how they are created and how the field key is rotated.

Two independent secrets (never derived from one another):

* ``SECRET_KEY`` — Django's signing key (sessions, CSRF, password-reset tokens).
* ``FIELD_ENCRYPTION_KEY`` — 32 random bytes (URL-safe base64) that protect the citizen ID numbers:
  AES-256-GCM for the stored value and HMAC-SHA256 for the digest used to match re-imports. Both
  sub-keys are derived from the field key with HMAC and distinct labels; a short key id (also
  derived, one-way) prefixes every encrypted value (``v1:<key id>:<base64>``), so one can tell which
  key a stored value needs and verify a rotation.

Where the keys come from (see docs/security.md):

* the environment variables ``SECRET_KEY`` / ``FIELD_ENCRYPTION_KEY`` (each on its own), else
* the key file named by ``CHUNGTAY_KEY_FILE``, else
* in development only: ``<data folder>/keys.env``, created with random keys (mode 0600) on first use.

In production mode (``CHUNGTAY_ENV=production``) a missing key, a key equal to a known default, a
too-short key or a field key equal to ``SECRET_KEY`` stops the app with :class:`KeysMissing` (an
``ImproperlyConfigured``): ``chungtay`` commands, ``manage.py`` and the WSGI module turn it into one
line on standard error and exit status 2.

This module is imported by the settings: only the rotation functions touch Django, lazily.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KEY_FILE_NAME = "keys.env"
ENV_KEY_FILE = "CHUNGTAY_KEY_FILE"
NAMES = ("SECRET_KEY", "FIELD_ENCRYPTION_KEY")
# Values that have appeared in the source, docs or examples, or that people type when told to set
# a key: none of them may ever protect real data.
KNOWN_DEFAULTS = frozenset({
    "", "dev-only-insecure-key-change-me-in-production", "change-me", "changeme", "change-me-in-production",
    "secret", "insecure", "dev", "test", "none", "null", "default", "example", "chungtay", "chungtay2025",
})
TOKEN_VERSION = "v1"


class ProductionRefused(ImproperlyConfigured):
    """Production mode without what it needs; the message says what to do, on one line."""


class KeysMissing(ProductionRefused):
    """Production mode without usable secrets."""


class FieldKeyError(ValueError):
    """A key that is not a valid field key, or a stored value that this key cannot open."""


def data_dir() -> Path:
    """The data folder, as in the settings (the key commands run without loading Django)."""
    return Path(os.environ.get("CHUNGTAY_DATA_DIR", Path(__file__).resolve().parent.parent / "data"))


def default_key_file() -> Path:
    env = os.environ.get(ENV_KEY_FILE, "").strip()
    return Path(env) if env else data_dir() / KEY_FILE_NAME


def generate_secret_key() -> str:
    return secrets.token_urlsafe(50)          # 67 characters, well past Django's 50-character check


def generate_field_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def generate() -> dict[str, str]:
    return {"SECRET_KEY": generate_secret_key(), "FIELD_ENCRYPTION_KEY": generate_field_key()}


# --- field key -------------------------------------------------------------------------------

def _raw_field_key(value: str) -> bytes:
    v = (value or "").strip()
    try:
        raw = base64.urlsafe_b64decode(v + "=" * (-len(v) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise FieldKeyError("FIELD_ENCRYPTION_KEY must be 32 random bytes in URL-safe base64 "
                        "(43 characters), as written by `chungtay keys create`")
    return raw


@dataclass(frozen=True)
class FieldKey:
    """The sub-keys of one field key. ``legacy`` marks the pre-v1 scheme (a SHA-256 of a secret,
    values without prefix), accepted only as the *old* key of a rotation."""
    aes_key: bytes
    mac_key: bytes
    kid: str
    legacy: bool = False

    @classmethod
    def from_value(cls, value: str) -> "FieldKey":
        raw = _raw_field_key(value)
        sub = lambda label: hmac.new(raw, label, hashlib.sha256).digest()  # noqa: E731
        return cls(sub(b"chungtay/field-encryption/aes-256-gcm/v1"), sub(b"chungtay/field-digest/hmac-sha256/v1"),
                   sub(b"chungtay/key-id")[:4].hex())

    @classmethod
    def legacy_from_secret(cls, secret: str) -> "FieldKey":
        k = hashlib.sha256(("chungtay-field-key:" + secret).encode()).digest()
        return cls(k, k, "legacy", legacy=True)

    @property
    def prefix(self) -> str:
        return f"{TOKEN_VERSION}:{self.kid}:"

    def encrypt(self, value: str) -> str:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        nonce = os.urandom(12)
        return self.prefix + base64.b64encode(nonce + AESGCM(self.aes_key).encrypt(nonce, value.encode(), None)).decode()

    def decrypt(self, token: str) -> str:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        kid = token_key_id(token)
        if self.legacy != (kid is None) or (kid is not None and kid != self.kid):
            raise FieldKeyError(f"value encrypted with key {kid or 'legacy'}, not with key {self.kid} "
                            "(see docs/security.md: an interrupted rotation is finished by `chungtay keys rotate`)")
        body = token.split(":", 2)[2] if kid else token
        try:
            raw = base64.b64decode(body)
            return AESGCM(self.aes_key).decrypt(raw[:12], raw[12:], None).decode()
        except (InvalidTag, binascii.Error, ValueError):
            raise FieldKeyError(f"value does not open with key {self.kid}") from None

    def digest(self, value: str) -> str:
        return hmac.new(self.mac_key, value.encode(), hashlib.sha256).hexdigest()


def token_key_id(token: str) -> str | None:
    """The key id of a stored value, or None for a value of the legacy (unprefixed) scheme."""
    if token.startswith(TOKEN_VERSION + ":") and token.count(":") >= 2:
        return token.split(":", 2)[1]
    return None


# --- key files -------------------------------------------------------------------------------

def read_key_file(path: Path) -> dict[str, str]:
    values = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            if k.strip() in NAMES:
                values[k.strip()] = v.strip()
    return values


def key_file_text(values: dict[str, str]) -> str:
    return ("# Chung Tay secret keys. Keep private (mode 0600) and back up apart from the database:\n"
            "# without FIELD_ENCRYPTION_KEY the citizen ID numbers of a backup cannot be read.\n"
            + "".join(f"{k}={values[k]}\n" for k in NAMES if values.get(k)))


def write_key_file(path: Path, values: dict[str, str], force: bool = False) -> Path:
    """Write atomically with mode 0600. Without ``force`` an existing file is never replaced (also not
    by a concurrent writer: the file is linked into place, which fails if the name exists)."""
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)   # a new folder for keys: owner only
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(key_file_text(values))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        if force:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)            # FileExistsError if someone else has it
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def ensure_key_file(path: Path) -> dict[str, str]:
    """Development: the key file, created with random keys on first use (race-safe)."""
    if not path.exists():
        try:
            write_key_file(path, generate())
        except FileExistsError:
            pass
    return read_key_file(path)


# --- settings --------------------------------------------------------------------------------

def problems(secret_key: str, field_key: str) -> list[str]:
    """What makes these keys unfit for production (empty when they are fine)."""
    out = []
    if not secret_key:
        out.append("SECRET_KEY is missing")
    elif secret_key.strip().lower() in KNOWN_DEFAULTS or secret_key.startswith("django-insecure-"):
        out.append("SECRET_KEY is a known default")
    elif len(secret_key) < 50 or len(set(secret_key)) < 5:
        out.append("SECRET_KEY is too short (at least 50 random characters)")
    if not field_key:
        out.append("FIELD_ENCRYPTION_KEY is missing")
    elif field_key.strip().lower() in KNOWN_DEFAULTS:
        out.append("FIELD_ENCRYPTION_KEY is a known default")
    elif field_key == secret_key:
        out.append("FIELD_ENCRYPTION_KEY must be its own secret, not SECRET_KEY")
    else:
        try:
            _raw_field_key(field_key)
        except FieldKeyError as e:
            out.append(str(e))
    return out


def for_settings(data: Path, production: bool) -> tuple[str, str, str]:
    """(SECRET_KEY, FIELD_ENCRYPTION_KEY, where the field key came from: "environment" or the key
    file's path) for chungtay/settings.py."""
    secret, field = os.environ.get("SECRET_KEY", ""), os.environ.get("FIELD_ENCRYPTION_KEY", "")
    source = "environment"
    if not (secret and field):
        env_file = os.environ.get(ENV_KEY_FILE, "").strip()
        path = Path(env_file) if env_file else None
        if path is None and not production:
            path = data / KEY_FILE_NAME
        if path is not None:
            try:
                values = ensure_key_file(path) if not (production or env_file) else read_key_file(path)
            except OSError as e:
                if production:
                    raise KeysMissing(f"production mode: cannot read the key file {path} ({e.strerror}). "
                                      "See docs/security.md") from None
                raise
            if not field:
                source = str(path)         # where the field key lives: what a rotation rewrites
            secret, field = secret or values.get("SECRET_KEY", ""), field or values.get("FIELD_ENCRYPTION_KEY", "")
    if production:
        bad = problems(secret, field)
        if bad:
            raise KeysMissing(
                "production mode (CHUNGTAY_ENV=production) refuses to start: " + "; ".join(bad)
                + ". Create keys with `chungtay keys create --print` (or --out FILE) and set SECRET_KEY and "
                "FIELD_ENCRYPTION_KEY in the environment, or CHUNGTAY_KEY_FILE to the key file. "
                "See docs/security.md")
    return secret, field, source


# --- rotation --------------------------------------------------------------------------------

class RotationError(RuntimeError):
    pass


def reencrypt_all(old: FieldKey, new: FieldKey, legacy: FieldKey | None = None, batch: int = 5000,
                  _fail_after: int | None = None) -> int:
    """Re-encrypt every stored citizen ID with ``new`` and recompute its digest, in ONE transaction:
    if any value does not open (unknown key, damaged value), nothing is changed. Returns the count."""
    from django.db import connection, transaction

    from chungtay.households.models import Member
    table = Member._meta.db_table
    n = 0
    with transaction.atomic():
        qs = Member.objects.exclude(citizen_id_encrypted="").order_by("id")
        last = 0
        with connection.cursor() as cur:
            while True:
                rows = list(qs.filter(id__gt=last).values_list("id", "citizen_id_encrypted")[:batch])
                if not rows:
                    break
                out = []
                for pk, token in rows:
                    key = old if token_key_id(token) is not None else legacy
                    if token_key_id(token) == new.kid:
                        key = new             # already done (a rotation to the same new key resumed)
                    if key is None:
                        raise RotationError(f"member #{pk}: value of the legacy scheme; pass the legacy secret "
                                            "(--legacy-secret-key) to convert it")
                    try:
                        value = key.decrypt(token)
                    except FieldKeyError as e:
                        raise RotationError(f"member #{pk}: {e}") from None
                    out.append((new.encrypt(value), new.digest(value), pk))
                    n += 1
                    if _fail_after is not None and n > _fail_after:
                        raise RotationError("simulated failure (test)")
                cur.executemany(f"UPDATE {table} SET citizen_id_encrypted = %s, citizen_id_digest = %s "
                                f"WHERE id = %s", out)
                last = rows[-1][0]
        left = Member.objects.exclude(citizen_id_encrypted="").exclude(
            citizen_id_encrypted__startswith=new.prefix).count()
        if left:
            raise RotationError(f"{left} values still not encrypted with the new key")
    return n


def key_ids_in_use() -> dict[str, int]:
    """How many stored values each key id holds ("legacy" for unprefixed values)."""
    from collections import Counter

    from chungtay.households.models import Member
    c: Counter = Counter()
    for token in Member.objects.exclude(citizen_id_encrypted="").values_list("citizen_id_encrypted", flat=True) \
            .iterator(chunk_size=20_000):
        c[token_key_id(token) or "legacy"] += 1
    return dict(c)


def pending_path(path: Path) -> Path:
    return Path(str(path) + ".new")


def finish_interrupted(path: Path, log=print) -> bool:
    """A ``<key file>.new`` left by a rotation: put it in place if the data already uses its key
    (the crash came after the commit), delete it otherwise (the crash came before). True if completed."""
    from chungtay.households.models import Member
    new_path = pending_path(path)
    if not new_path.exists():
        return False
    new = FieldKey.from_value(read_key_file(new_path).get("FIELD_ENCRYPTION_KEY", ""))
    if Member.objects.filter(citizen_id_encrypted__startswith=new.prefix).exists():
        _retire(path)
        os.replace(new_path, path)
        log(f"finished an interrupted rotation: {path} now holds key {new.kid}")
        return True
    new_path.unlink()
    log(f"removed {new_path}: left by a rotation that did not commit (the data still uses the old key)")
    return False


def _retire(path: Path) -> Path | None:
    if not path.exists():
        return None
    kid = FieldKey.from_value(read_key_file(path)["FIELD_ENCRYPTION_KEY"]).kid
    retired = path.with_name(f"{path.name}.retired-{kid}")
    if not retired.exists():
        os.link(path, retired)
    return retired


def rotate(*, key_file: Path | None, out: Path | None, new_field_key: str | None = None,
           legacy_secret: str | None = None, log=print, _fail_after: int | None = None) -> tuple[int, FieldKey]:
    """Rotate the field key. Order (a crash at any point leaves a key that opens the data):

    1. write the new keys to ``<key file>.new`` (or to ``out`` when the keys come from the
       environment), fsynced, mode 0600 — before any value changes;
    2. re-encrypt every value in one transaction and commit;
    3. keep the old key file as ``<key file>.retired-<old key id>`` (backups made before the rotation
       need it) and rename ``.new`` over the key file.
    """
    from django.conf import settings
    if key_file is not None and finish_interrupted(key_file, log):
        log("run the command again to rotate to a further key")
        return 0, FieldKey.from_value(read_key_file(key_file)["FIELD_ENCRYPTION_KEY"])
    old = FieldKey.from_value(settings.FIELD_ENCRYPTION_KEY)
    new_text = new_field_key or generate_field_key()
    new = FieldKey.from_value(new_text)
    if new.kid == old.kid:
        raise RotationError("the new key is the current key")
    legacy = FieldKey.legacy_from_secret(legacy_secret) if legacy_secret is not None else None
    if key_file is not None:
        values = read_key_file(key_file) if key_file.exists() else {}
        target = pending_path(key_file)
    elif out is not None:
        values, target = {}, Path(out)
    else:
        raise RotationError("the keys come from the environment: give --out FILE for the new key")
    values["FIELD_ENCRYPTION_KEY"] = new_text
    write_key_file(target, values, force=key_file is not None)
    try:
        n = reencrypt_all(old, new, legacy, _fail_after=_fail_after)
    except BaseException:
        target.unlink(missing_ok=True)      # nothing was committed: the new key protects nothing
        raise
    if key_file is not None:
        retired = _retire(key_file)
        os.replace(target, key_file)
        log(f"{n:,} citizen ID numbers re-encrypted with key {new.kid}; {key_file} updated"
            + (f"; the old key is kept in {retired} for backups made before today" if retired else ""))
    else:
        log(f"{n:,} citizen ID numbers re-encrypted with key {new.kid}. Set FIELD_ENCRYPTION_KEY from {target} "
            "in the environment now and restart the app.")
    return n, new

