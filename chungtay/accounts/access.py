"""Every read starts here: what part of the country a user may see.

A user's *scope* is the set of 2025 units they are assigned to; everything below them is
visible. Pre-2025 units (districts, old communes) are visible to users whose province
covers them; figures are always restricted to the user's scope in addition.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q
from django.http import Http404

from chungtay.units.models import Unit


@dataclass(frozen=True)
class Scope:
    everything: bool
    province_ids: frozenset[int]
    commune_ids: frozenset[int]
    village_ids: frozenset[int]

    @property
    def empty(self) -> bool:
        return not (self.everything or self.province_ids or self.commune_ids or self.village_ids)

    def q(self) -> Q:
        """Filter for any model with province/commune/village foreign keys."""
        if self.everything:
            return Q()
        q = Q(pk__in=[])
        if self.province_ids:
            q |= Q(province_id__in=self.province_ids)
        if self.commune_ids:
            q |= Q(commune_id__in=self.commune_ids)
        if self.village_ids:
            q |= Q(village_id__in=self.village_ids)
        return q

    def covers(self, unit: Unit) -> bool:
        """May the user open this unit's page?"""
        if self.everything:
            return True
        if unit.system == Unit.SYSTEM_LEGACY:
            return self.legacy_province_code(unit) in self.province_new_codes
        chain = _chain(unit)
        return any(u.id in self.province_ids or u.id in self.commune_ids or u.id in self.village_ids
                   for u in chain)

    @cached_property
    def province_new_codes(self) -> set[str]:
        return set(Unit.objects.filter(id__in=self.province_ids).values_list("code", flat=True))

    @staticmethod
    def legacy_province_code(unit: Unit) -> str:
        return LEGACY_TO_NEW.get(_chain(unit)[-1].code, "")

    def top_units(self) -> list[Unit]:
        """Where this user's drill-down starts."""
        if self.everything:
            return list(Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.PROVINCE).order_by("code"))
        ids = self.province_ids | self.commune_ids | self.village_ids
        return list(Unit.objects.filter(id__in=ids).order_by("level", "code"))


def _chain(unit: Unit) -> list[Unit]:
    out = [unit]
    while out[-1].parent_id is not None:
        out.append(out[-1].parent)
    return out


# Province merger of 2025 (new ← old), admin-units.md.
MERGER = {"08": "02,08", "15": "10,15", "19": "06,19", "24": "24,27", "25": "17,25,26", "31": "30,31",
          "33": "33,34", "37": "35,36,37", "44": "44,45", "48": "48,49", "51": "51,62", "52": "52,64",
          "56": "56,58", "66": "54,66", "68": "60,67,68", "75": "70,75", "79": "74,77,79", "80": "72,80",
          "82": "82,87", "86": "83,84,86", "91": "89,91", "92": "92,93,94", "96": "95,96"}
LEGACY_TO_NEW = {old: new for new, olds in MERGER.items() for old in olds.split(",")}
for _c in ("01", "04", "11", "12", "14", "20", "22", "38", "40", "42", "46"):
    LEGACY_TO_NEW[_c] = _c


def scope_for(user) -> Scope:
    cached = getattr(user, "_chungtay_scope", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        scope = Scope(False, frozenset(), frozenset(), frozenset())
    else:
        rows = assignment_rows(user)
        if user.is_superuser or any(role == "national" or (role == "front_committee" and unit is None)
                                    for role, unit, _level, _system in rows):
            # the national administrator, and the Central Committee of the Front (its fund's area is the nation)
            scope = Scope(True, frozenset(), frozenset(), frozenset())
        else:
            by = {lvl: frozenset(unit for _role, unit, level, system in rows
                                 if unit is not None and level == lvl and system == Unit.SYSTEM_2025)
                  for lvl in (Unit.PROVINCE, Unit.COMMUNE, Unit.VILLAGE)}
            scope = Scope(False, by[Unit.PROVINCE], by[Unit.COMMUNE], by[Unit.VILLAGE])
    user._chungtay_scope = scope
    return scope


def assignment_rows(user) -> list[tuple[str, int | None, str | None, str | None]]:
    """(role, unit id, unit level, unit system) of each of the user's assignments, read once per
    request (cached on the user object) for both the area (:func:`scope_for`) and the permissions
    (``roles.can``): one query on every page instead of three."""
    cached = getattr(user, "_chungtay_assignments", None)
    if cached is None:
        cached = list(user.assignments.values_list("role", "unit_id", "unit__level", "unit__system"))
        user._chungtay_assignments = cached
    return cached


def unit_for_user(user, pk: int) -> Unit:
    """The unit, or 404 when it does not exist or lies outside the user's area."""
    unit = Unit.objects.select_related("parent__parent__parent").filter(pk=pk).first()
    if unit is None or not scope_for(user).covers(unit):
        raise Http404("Không tìm thấy đơn vị")
    return unit
