"""The demo's movement records come from the synthetic population: a pledge for each household the
generator marks as pledged, most of them followed by a support of a commune distribution, funding
shares summing exactly to each value, pairings with the province's partners; written once."""
from django.db.models import Count, F, Sum

from chungtay.households.models import Assessment
from chungtay.households.models import Household
from chungtay.support.demo import create_demo_supports
from chungtay.synth import UNSUPPORTED_ONE_IN, supported_draw
from chungtay.support.models import Distribution, Pairing, Pledge, Support, SupportFunding


def test_demo_supports_follow_the_generators_pledges(db):
    out = create_demo_supports()
    pledged = Assessment.objects.filter(kind="periodic", is_current=True, pledged_escape=True, household__status="active")
    assert out["created"] and out["pledges"] == pledged.count() > 50
    assert set(Pledge.objects.values_list("household_id", "year")) == set(pledged.values_list("household_id", "year"))
    supports = Support.objects.filter(source="distribution")
    assert supports.count() == out["supports"]
    share = out["supports"] / out["pledges"]
    assert abs(share - (1 - 1 / UNSUPPORTED_ONE_IN)) < 0.1
    # exactly the pledges the generator followed with support (and added its known effect to)
    code = dict(Household.objects.values_list("id", "code"))
    helped = {(h, y) for h, y in pledged.values_list("household_id", "year")
              if supported_draw([int(code[h].rsplit("-", 1)[1])], y)[0]}
    assert set(supports.values_list("household_id", "year")) == helped
    # every support is of a pledged household in its pledge year, delivered, version 1, current
    pairs = set(supports.values_list("household_id", "year"))
    assert pairs <= set(Pledge.objects.values_list("household_id", "year"))
    assert not supports.exclude(status="delivered", version=1, is_current=True).exists()
    # funding amounts sum exactly to the value; the programme matches the year
    sums = SupportFunding.objects.values("support_id").annotate(t=Sum("amount_vnd"), v=F("support__value_vnd"))
    assert all(r["t"] == r["v"] for r in sums) and len(sums) == out["supports"]
    assert not supports.filter(year__lt=2021, programme__code="GNBV2125").exists()
    assert not supports.filter(year__gte=2021, part__code="NSDP").exists()
    # one distribution per commune, year and package, counting its households
    for d in Distribution.objects.annotate(n=Count("entries")).filter(commune__isnull=False)[:50]:
        assert d.households == d.n
    assert out["pairings"] == Pairing.objects.filter(partner__isnull=False).count() > 0
    again = create_demo_supports()
    assert again == {"created": False} and Support.objects.count() == out["supports"]
