"""The programme catalogue as data: every ``programmes/*.json`` file, loaded into the database.

A data file holds one programme (``code``, names, ``period``, ``legal_basis``, ``provisional``,
``parts`` nested as projects and sub-projects) or, with ``programmes``, several, and optionally
``funding_sources``. A new programme is a new file; a corrected name is a new ``file_version``
of the same file. Codes are dotted from the programme down (``GNBV2125.DA3.TDA1``) and never
change meaning: supports keep pointing at them.

``load()`` is idempotent: it upserts by code, leaves unchanged rows alone, and marks parts that
no file names any more as ``in_catalogue=False`` (never deleted: supports refer to them). It runs
after every ``migrate`` (apps.py) and from ``chungtay support programmes --load``.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "programmes"
LEVELS = ("programme", "project", "subproject")


class CatalogueError(ValueError):
    pass


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    sources: int = 0


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json"))


def read(folder: Path = DATA_DIR) -> tuple[list[dict], list[dict], dict[str, tuple[str, str]]]:
    """(parts, funding sources, {file name: (version, sha256)}) from the data files, checked:
    unique codes, periods inside the programme's, names in both languages."""
    parts: list[dict] = []
    sources: list[dict] = []
    files: dict[str, tuple[str, str]] = {}
    seen: set[str] = set()
    for path in _files(folder):
        raw = path.read_bytes()
        try:
            doc = json.loads(raw)
        except ValueError as e:
            raise CatalogueError(f"{path.name}: không đọc được JSON ({e})") from None
        version = str(doc.get("file_version") or "")
        if not version:
            raise CatalogueError(f"{path.name}: thiếu file_version")
        files[path.name] = (version, hashlib.sha256(raw).hexdigest())
        programmes = doc["programmes"] if "programmes" in doc else ([doc] if "code" in doc else [])
        for prog in programmes:
            _walk(path.name, version, prog, None, None, 0, parts, seen)
        for s in doc.get("funding_sources", []):
            if not s.get("code") or not s.get("name_vi") or not s.get("name_en"):
                raise CatalogueError(f"{path.name}: nguồn vốn thiếu mã hoặc tên: {s}")
            if any(x["code"] == s["code"] for x in sources):
                raise CatalogueError(f"{path.name}: nguồn vốn {s['code']} có hai lần")
            sources.append(s)
    return parts, sources, files


def _walk(file: str, version: str, node: dict, parent: dict | None, root: dict | None, depth: int,
          out: list[dict], seen: set[str]) -> None:
    if depth >= len(LEVELS):
        raise CatalogueError(f"{file}: quá ba cấp (chương trình → dự án → tiểu dự án) ở {node.get('code')}")
    code = str(node.get("code") or "").strip()
    if not code or "." in code or " " in code:
        raise CatalogueError(f"{file}: mã không hợp lệ '{code}' (không dấu chấm, không khoảng trắng)")
    full = f"{parent['code']}.{code}" if parent else code
    if full in seen:
        raise CatalogueError(f"{file}: mã {full} có hai lần")
    seen.add(full)
    for key in ("name_vi", "name_en"):
        if not str(node.get(key) or "").strip():
            raise CatalogueError(f"{file}: {full} thiếu {key}")
    period = node.get("period") or ([root["start_year"], root["end_year"]] if root else None)
    if not period or len(period) != 2 or period[0] > period[1]:
        raise CatalogueError(f"{file}: {full}: thời kỳ không hợp lệ {period}")
    if root and not (root["start_year"] <= period[0] and period[1] <= root["end_year"]):
        raise CatalogueError(f"{file}: {full}: thời kỳ {period} nằm ngoài thời kỳ của chương trình")
    row = {
        "code": full, "level": LEVELS[depth], "kind": (root or node).get("kind") or "other_source",
        "parent": parent["code"] if parent else None, "programme": root["code"] if root else None,
        "name_vi": node["name_vi"].strip(), "name_en": node["name_en"].strip(),
        "start_year": int(period[0]), "end_year": int(period[1]),
        "legal_basis": node.get("legal_basis") or (root["legal_basis"] if root else ""),
        "provisional": bool(node.get("provisional", root["provisional"] if root else False)),
        "verified": bool(node.get("verified", True)),
        "note": node.get("note", ""), "data_file": file, "file_version": version,
    }
    out.append(row)
    for child in node.get("parts", []):
        _walk(file, version, child, row, root or row, depth + 1, out, seen)


def load(folder: Path = DATA_DIR, log=None) -> Counts:
    """Upsert the catalogue from the data files (idempotent)."""
    from django.db import transaction

    from .models import CatalogueFile, FundingSource, ProgrammePart
    parts, sources, files = read(folder)
    counts = Counts()
    with transaction.atomic():
        existing = {p.code: p for p in ProgrammePart.objects.all()}
        fields = ("level", "kind", "name_vi", "name_en", "start_year", "end_year", "legal_basis", "provisional",
                  "verified", "note", "data_file", "file_version")
        for position, row in enumerate(parts):
            want = {k: row[k] for k in fields}
            want.update(position=position, in_catalogue=True,
                        parent_id=existing[row["parent"]].pk if row["parent"] else None,
                        programme_id=existing[row["programme"]].pk if row["programme"] else None)
            obj = existing.get(row["code"])
            if obj is None:
                existing[row["code"]] = ProgrammePart.objects.create(code=row["code"], **want)
                counts.created += 1
            elif any(getattr(obj, k) != v for k, v in want.items()):
                for k, v in want.items():
                    setattr(obj, k, v)
                obj.save()
                counts.updated += 1
            else:
                counts.unchanged += 1
        named = {r["code"] for r in parts}
        counts.retired = ProgrammePart.objects.exclude(code__in=named).filter(in_catalogue=True).update(
            in_catalogue=False)
        for position, s in enumerate(sources):
            FundingSource.objects.update_or_create(code=s["code"], defaults={
                "name_vi": s["name_vi"], "name_en": s["name_en"], "position": position})
            counts.sources += 1
        for name, (version, digest) in files.items():
            CatalogueFile.objects.update_or_create(name=name, defaults={"file_version": version, "sha256": digest})
    if log:
        log(f"programmes: {counts.created} new, {counts.updated} updated, {counts.unchanged} unchanged, "
            f"{counts.retired} retired; {counts.sources} funding sources")
    return counts


def on_migrate(sender, **kwargs) -> None:
    """post_migrate: the catalogue is there as soon as the tables are."""
    from django.db import connection
    if "support_programmepart" not in connection.introspection.table_names():
        return
    load()
