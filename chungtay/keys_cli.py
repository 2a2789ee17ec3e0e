"""``chungtay keys create|rotate|status``: the secret keys (see chungtay/keys.py, docs/security.md)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from chungtay import keys

LEGACY_DEFAULT_SECRET = "dev-only-insecure-key-change-me-in-production"   # what versions before v1 fell back to


def _err(msg: str) -> int:
    print(f"chungtay: error: {msg}", file=sys.stderr)
    return 2


def cmd_create(args) -> int:
    values = keys.generate()
    if args.print:
        for k in keys.NAMES:
            print(f"{k}={values[k]}")
        return 0
    path = Path(args.out) if args.out else keys.default_key_file()
    retired = None
    if args.force and path.exists():
        refused = _confirm_replace(path, args)
        if refused:
            return _err(refused)
        try:
            retired = keys._retire(path)      # the old keys stay readable for the data and backups that need them
        except (OSError, KeyError, keys.FieldKeyError) as e:
            return _err(f"cannot keep a copy of the old key file {path} ({e}); nothing was changed")
    try:
        keys.write_key_file(path, values, force=args.force)
    except FileExistsError:
        if not path.exists():             # a file where a folder of the path should be
            return _err(f"cannot write {path}: {path.parent} is not a folder")
        return _err(f"{path} exists already; its keys protect the data. Use --force only if no data "
                    "depends on them (see `chungtay keys rotate` to change the field key)")
    except OSError as e:
        return _err(f"cannot write {path}: {e.strerror}")
    print(f"new keys written to {path} (mode 0600). Back this file up apart from the database.", file=sys.stderr)
    if retired:
        print(f"the old keys are kept in {retired}: data encrypted with them needs that file "
              "(`chungtay keys status`; `chungtay keys rotate` re-encrypts with the current key)", file=sys.stderr)
    return 0


def _confirm_replace(path: Path, args) -> str | None:
    """Replacing a key file: refused in production mode without --allow-production, and asked for
    (type yes) unless --yes. Returns why it is refused, or None."""
    from chungtay.env import is_production
    if is_production() and not args.allow_production:
        return (f"{path} exists and CHUNGTAY_ENV=production: replacing the keys is refused "
                "(add --allow-production if this is really intended; `chungtay keys rotate` changes the field key safely)")
    if args.yes:
        return None
    print(f"{path} holds the keys that protect the data; the old file is kept as a .retired copy.", file=sys.stderr)
    try:
        answer = input('Type "yes" to replace it: ')
    except EOFError:
        answer = ""
    return None if answer.strip().lower() == "yes" else "not confirmed, nothing was changed (type yes, or pass --yes)"


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chungtay.settings")
    import django
    django.setup()
    from django.conf import settings
    return settings


def cmd_rotate(args) -> int:
    settings = _setup()
    new_key = None
    if args.new_key_file:
        try:
            new_key = keys.read_key_file(Path(args.new_key_file)).get("FIELD_ENCRYPTION_KEY", "")
        except OSError as e:
            return _err(f"cannot read {args.new_key_file}: {e.strerror}")
        if keys.problems("x" * 60 + "abcde", new_key):
            return _err(f"{args.new_key_file}: " + "; ".join(keys.problems("x" * 60 + "abcde", new_key)))
    key_file = None if settings.FIELD_KEY_SOURCE == "environment" else Path(settings.FIELD_KEY_SOURCE)
    if key_file is None and not args.out:
        return _err("FIELD_ENCRYPTION_KEY comes from the environment: give --out FILE for the new key")
    if key_file is None and Path(args.out).exists():
        return _err(f"{args.out} exists already")
    legacy = None
    if args.legacy:
        legacy = os.environ.get("CHUNGTAY_LEGACY_SECRET", LEGACY_DEFAULT_SECRET)
    try:
        keys.rotate(key_file=key_file, out=Path(args.out) if key_file is None else None, new_field_key=new_key,
                    legacy_secret=legacy, log=lambda m: print(m, file=sys.stderr))
    except (keys.RotationError, keys.FieldKeyError) as e:
        return _err(f"nothing changed: {e}")
    return 0


def cmd_status(args) -> int:
    settings = _setup()
    current = keys.FieldKey.from_value(settings.FIELD_ENCRYPTION_KEY)
    print(f"field key: {current.kid} (from {settings.FIELD_KEY_SOURCE})")
    counts = keys.key_ids_in_use()
    for kid, n in sorted(counts.items()):
        print(f"  {n:>10,} stored citizen IDs with key {kid}{'' if kid == current.kid else '  <- not the current key'}")
    if settings.FIELD_KEY_SOURCE != "environment" and keys.pending_path(Path(settings.FIELD_KEY_SOURCE)).exists():
        print(f"  {keys.pending_path(Path(settings.FIELD_KEY_SOURCE))} exists: an interrupted rotation; "
              "run `chungtay keys rotate` to finish or discard it")
    return 0 if set(counts) <= {current.kid} else 1


def add_parser(sub) -> None:
    k = sub.add_parser("keys", help="secret keys: create, rotate the field key, status").add_subparsers(
        dest="sub", required=True)
    c = k.add_parser("create", help="write new random keys (SECRET_KEY, FIELD_ENCRYPTION_KEY) to a key file",
                     description="Default file: $CHUNGTAY_KEY_FILE, else <data folder>/keys.env. Mode 0600.")
    c.add_argument("--out", help="key file to write")
    c.add_argument("--force", action="store_true",
                   help="replace an existing key file (asked for; the old one is kept as <file>.retired-<key id>)")
    c.add_argument("--yes", action="store_true", help="with --force: do not ask")
    c.add_argument("--allow-production", action="store_true", help="with --force: also in production mode")
    c.add_argument("--print", action="store_true", help="print KEY=value lines for the environment instead")
    c.set_defaults(func=cmd_create)
    r = k.add_parser("rotate", help="new field key; re-encrypt every stored citizen ID in one transaction",
                     description="Stop the app and workers first. The new key is written before the data "
                                 "changes and put in place after the commit (docs/security.md).")
    r.add_argument("--new-key-file", help="take the new FIELD_ENCRYPTION_KEY from this key file "
                                          "(default: a new random key)")
    r.add_argument("--out", help="when the field key comes from the environment: file for the new key")
    r.add_argument("--legacy", action="store_true",
                   help="also convert values of the pre-v1 scheme (derived from $CHUNGTAY_LEGACY_SECRET, "
                        "default the old built-in development key)")
    r.set_defaults(func=cmd_rotate)
    s = k.add_parser("status", help="which key protects the stored citizen IDs (exit 1 if any other)")
    s.set_defaults(func=cmd_status)
