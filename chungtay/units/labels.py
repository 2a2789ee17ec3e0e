"""How a unit is named on screen and on paper: the one source of village labels.

Communes merged in 2025 often hold several villages of the same name ("Thôn 1" of each old
commune). Wherever a village is shown — drill-down, dashboards, charts, filters, household
page, posting lists — it is told apart by its old commune: "Thôn 1 (xã Kroong cũ)"; if even
that repeats, by its code.

Labels are cached per commune (they change only when units are loaded); a value computed inside
an open transaction is not cached, so a rolled-back change can never leave a stale label.
"""
from __future__ import annotations

from collections import Counter

from django.core.cache import cache
from django.db import connection, transaction

from chungtay.core import fmt

from .models import Unit

CACHE_SECONDS = 600


def inline_name(unit: Unit | None) -> str:
    """"Xã Ngọk Bay" -> "xã Ngọk Bay" (for use inside a sentence)."""
    if unit is None:
        return ""
    n = unit.full_name or unit.name
    return n[:1].lower() + n[1:] if n else ""


def _key(commune_id: int) -> str:
    return f"units:village-labels:{commune_id}"


def compute_village_labels(commune_id: int) -> dict[int, str]:
    villages = list(Unit.objects.filter(parent_id=commune_id, level=Unit.VILLAGE).select_related("legacy_parent"))
    seen = Counter(fmt.fold(v.name) for v in villages)
    out: dict[int, str] = {}
    for v in villages:
        label = v.full_name or v.name
        if seen[fmt.fold(v.name)] > 1:
            label += f" ({inline_name(v.legacy_parent)} cũ)" if v.legacy_parent else f" ({v.code})"
        out[v.id] = label
    again = Counter(out.values())
    return {v.id: (f"{out[v.id]} ({v.code})" if again[out[v.id]] > 1 else out[v.id]) for v in villages}


def village_labels(commune_id: int | Unit | None) -> dict[int, str]:
    """{village id: label} for every village of the commune (accepts the commune or its id)."""
    if commune_id is None:
        return {}
    if isinstance(commune_id, Unit):
        commune_id = commune_id.id
    labels = cache.get(_key(commune_id))
    if labels is None:
        labels = compute_village_labels(commune_id)
        if not connection.in_atomic_block:
            cache.set(_key(commune_id), labels, CACHE_SECONDS)
    return labels


def labels_for(units) -> dict[int, str]:
    """{unit id: label} for a list of units (villages labelled within their commune)."""
    out: dict[int, str] = {}
    communes: dict[int, dict[int, str]] = {}
    for u in units:
        if u is None:
            continue
        if u.level == Unit.VILLAGE and u.parent_id:
            if u.parent_id not in communes:
                communes[u.parent_id] = village_labels(u.parent_id)
            out[u.id] = communes[u.parent_id].get(u.id) or u.full_name or u.name
        else:
            out[u.id] = u.full_name or u.name
    return out


def unit_label(unit: Unit | None) -> str:
    """The label of one unit: a village's tells it apart from its namesakes."""
    if unit is None:
        return ""
    return labels_for([unit])[unit.id]


def forget(commune_id: int | None) -> None:
    if commune_id is not None:
        cache.delete(_key(commune_id))


def _changed(sender, instance: Unit, **kwargs) -> None:
    if instance.level == Unit.VILLAGE:
        forget(instance.parent_id)
        transaction.on_commit(lambda: forget(instance.parent_id))


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    post_save.connect(_changed, sender=Unit, dispatch_uid="units.labels.saved")
    post_delete.connect(_changed, sender=Unit, dispatch_uid="units.labels.deleted")
