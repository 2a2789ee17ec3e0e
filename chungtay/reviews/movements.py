"""The households behind one movement of a unit, for the movements page's list.

Between consecutive reviews, for a 2025 province, commune or village the user's area holds
whole, they come from the prepared per-household movements (chungtay.prepared.HouseholdMovement,
classified for each unit at every write) by index; otherwise they are classified from the
results (``MovementReport.households``)."""
from __future__ import annotations

from django.db.models import Q

from chungtay.accounts.access import scope_for
from chungtay.households.models import Household
from chungtay.units.models import Unit

LEVELS = (Unit.PROVINCE, Unit.COMMUNE, Unit.VILLAGE)
LIVE_CAP = 5000


def prepared_households(user, unit: Unit, year_from: int, year_to: int, code: str):
    """Household queryset of movement ``code`` in ``unit`` from the prepared rows, or None when
    they do not cover this unit and pair."""
    from chungtay.prepared.models import HouseholdMovement, movement_codes
    if (year_to - year_from != 1 or unit.system != Unit.SYSTEM_2025 or unit.level not in LEVELS
            or not scope_for(user).covers(unit) or code not in movement_codes()
            or not HouseholdMovement.objects.filter(year_to=year_to).exists()):
        return None
    c, lv = movement_codes().index(code), unit.level
    ids = HouseholdMovement.objects.filter(year_to=year_to).filter(
        Q(**{f"from_{lv}_id": unit.id, f"mv_{lv}_from": c}) | Q(**{f"to_{lv}_id": unit.id, f"mv_{lv}_to": c}))
    return Household.objects.for_user(user).filter(id__in=ids.values("household_id"))


def movement_households(user, unit: Unit, report, code: str):
    """(Household queryset, paged by village) of the movement: prepared when possible, else the
    households classified from the results."""
    qs = prepared_households(user, unit, report.year_from, report.year_to, code)
    if qs is None:          # classified on the request: the first LIVE_CAP households (by id), as before
        qs = Household.objects.for_user(user).filter(id__in=report.households(code)[:LIVE_CAP])
    return qs
