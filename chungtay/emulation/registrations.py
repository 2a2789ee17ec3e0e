"""A movement's registrations (đăng ký thi đua): the typed ``Registration`` rows and, for its
households, their pledges to escape poverty (``support.Pledge``, issue 12 §3): a participating
household's pledge of a year of the movement's period *is* its registration for that year. It is
read from the support app, never copied; ``actions.register`` refuses to type it again."""
from __future__ import annotations

from dataclasses import dataclass

from .models import Movement, Participant, Registration


def pledges(m: Movement):
    """The pledges of the movement's participating households in its period (newest first)."""
    from chungtay.support.models import Pledge
    hh = m.participants.filter(kind=Participant.HOUSEHOLD).values("household_id")
    return (Pledge.objects.filter(household_id__in=hh, year__gte=m.start_year, year__lte=m.end_year)
            .select_related("household").order_by("-year", "household__code"))


@dataclass(frozen=True)
class Summary:
    typed: int            # Registration rows
    pledged: int          # households' pledges counted as registrations (not also typed for the year)

    @property
    def total(self) -> int:
        return self.typed + self.pledged


def summary(m: Movement) -> Summary:
    """How many registrations the movement has: the typed ones plus the households' pledges (a
    household with both for the same year, typed before this rule, counts once)."""
    typed = Registration.objects.filter(participant__movement=m)
    both = set(typed.filter(participant__kind=Participant.HOUSEHOLD)
               .values_list("participant__household_id", "year"))
    pledged = sum(1 for h, y in pledges(m).values_list("household_id", "year") if (h, y) not in both)
    return Summary(typed.count(), pledged)
