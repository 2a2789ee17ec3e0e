"""How a unit is named on screen and on paper: the one source of village labels.

Communes merged in 2025 often hold several villages of the same name ("Thôn 1" of each old
commune). Wherever a village is shown — drill-down, dashboards, charts, filters, household
page, posting lists — it is told apart by its old commune: "Thôn 1 (xã Kroong cũ)"; if even
that repeats, by its code.

Labels are cached per commune (they change only when units are loaded); a value computed inside
an open transaction is not cached, so a rolled-back change can never leave a stale label.
"""
from __future__ import annotations

import threading
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


def _label_villages(villages: list[Unit]) -> dict[int, str]:
    """Labels of one commune's villages (all of them, so namesakes are seen)."""
    seen = Counter(fmt.fold(v.name) for v in villages)
    out: dict[int, str] = {}
    for v in villages:
        label = v.full_name or v.name
        if seen[fmt.fold(v.name)] > 1:
            label += f" ({inline_name(v.legacy_parent)} cũ)" if v.legacy_parent else f" ({v.code})"
        out[v.id] = label
    again = Counter(out.values())
    return {v.id: (f"{out[v.id]} ({v.code})" if again[out[v.id]] > 1 else out[v.id]) for v in villages}


def compute_village_labels(commune_id: int) -> dict[int, str]:
    return _compute_many({commune_id})[commune_id]


def _compute_many(commune_ids: set[int]) -> dict[int, dict[int, str]]:
    """{commune id: {village id: label}} for several communes in one query."""
    by_commune: dict[int, list[Unit]] = {c: [] for c in commune_ids}
    for v in (Unit.objects.filter(parent_id__in=commune_ids, level=Unit.VILLAGE)
              .select_related("legacy_parent").order_by("id")):
        by_commune[v.parent_id].append(v)
    return {c: _label_villages(vs) for c, vs in by_commune.items()}


# Within one request, labels computed inside an open transaction (not cached, see above) are kept
# for the rest of the request, so a page listing many villages asks once per page, not per row.
_request = threading.local()


def _memo() -> dict[int, dict[int, str]] | None:
    return getattr(_request, "labels", None)


def _request_started(**kwargs) -> None:
    _request.labels = {}


def _request_finished(**kwargs) -> None:
    _request.labels = None


def labels_of_communes(commune_ids) -> dict[int, dict[int, str]]:
    """{commune id: {village id: label}}: from this request's memo, the cache, then one query for the rest."""
    ids = {int(c) for c in commune_ids if c is not None}
    memo = _memo()
    out = {c: memo[c] for c in ids if memo is not None and c in memo}
    missing = ids - out.keys()
    if missing:
        cached = cache.get_many([_key(c) for c in missing])
        for c in list(missing):
            if _key(c) in cached:
                out[c] = cached[_key(c)]
                missing.discard(c)
    if missing:
        computed = _compute_many(missing)
        out.update(computed)
        if not connection.in_atomic_block:
            cache.set_many({_key(c): v for c, v in computed.items()}, CACHE_SECONDS)
    if memo is not None:
        memo.update(out)
    return out


def village_labels(commune_id: int | Unit | None) -> dict[int, str]:
    """{village id: label} for every village of the commune (accepts the commune or its id)."""
    if commune_id is None:
        return {}
    if isinstance(commune_id, Unit):
        commune_id = commune_id.id
    return labels_of_communes([commune_id])[commune_id]


def labels_for(units) -> dict[int, str]:
    """{unit id: label} for a list of units (villages labelled within their commune, every commune in
    one look-up)."""
    units = [u for u in units if u is not None]
    communes = labels_of_communes({u.parent_id for u in units if u.level == Unit.VILLAGE and u.parent_id})
    out: dict[int, str] = {}
    for u in units:
        if u.level == Unit.VILLAGE and u.parent_id:
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
        memo = _memo()
        if memo is not None:
            memo.pop(commune_id, None)


def _changed(sender, instance: Unit, **kwargs) -> None:
    if instance.level == Unit.VILLAGE:
        forget(instance.parent_id)
        transaction.on_commit(lambda: forget(instance.parent_id))


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    post_save.connect(_changed, sender=Unit, dispatch_uid="units.labels.saved")
    post_delete.connect(_changed, sender=Unit, dispatch_uid="units.labels.deleted")
    from django.core.signals import request_finished, request_started
    request_started.connect(_request_started, dispatch_uid="units.labels.request_started")
    request_finished.connect(_request_finished, dispatch_uid="units.labels.request_finished")
