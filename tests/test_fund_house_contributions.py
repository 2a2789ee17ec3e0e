"""Each contribution to a Great Unity house is a row of its own (``HouseContribution``): the ones
known when the house is recorded, each later contribution and each correction (negative, with its
reason), with its date and who recorded it. The rows are never changed or deleted, and the house's
totals by source are always their sums; the house page's table is read from them."""
import datetime as dt

import pytest

from chungtay.fund import actions
from chungtay.fund.models import HouseContribution, HouseProject, ImmutableError
from tests.test_fund_house_pages import front, fund, hh, paid  # noqa: F401  (fixtures)


def _sums(house):
    out = {s: 0 for s in HouseContribution.SOURCES}
    for r in HouseContribution.objects.filter(house=house):
        out[r.source] += r.amount_vnd
    return out


def _totals(house):
    house = HouseProject.objects.get(pk=house.pk)
    return {s: getattr(house, f"{s}_vnd") for s in HouseContribution.SOURCES}


def test_every_contribution_is_a_row_and_the_totals_are_their_sums(client, front, fund, hh, paid):
    h = actions.create_house(front, fund, household=hh, fund_vnd=paid.amount_vnd, state_vnd=20_000_000,
                             household_vnd=5_000_000, disbursement=paid)
    start = list(HouseContribution.objects.filter(house=h).values_list("source", "amount_vnd", "at_start", "date"))
    assert start == [("fund", paid.amount_vnd, True, paid.date), ("state", 20_000_000, True, dt.date.today()),
                     ("household", 5_000_000, True, dt.date.today())]            # no row for the community's 0
    actions.add_house_contribution(front, h, source="community", amount_vnd=8_000_000, date=dt.date(2025, 11, 5),
                                   note="Đoàn thanh niên góp ngày công")
    actions.add_house_contribution(front, h, source="state", amount_vnd=3_000_000, date=dt.date(2025, 11, 9),
                                   note="ghi trùng chứng từ", correction=True)
    assert _sums(h) == _totals(h) == {"fund": paid.amount_vnd, "state": 17_000_000, "community": 8_000_000,
                                      "household": 5_000_000}
    later = HouseContribution.objects.filter(house=h, at_start=False).order_by("id")
    assert [(r.source, r.amount_vnd, r.date, r.note, r.created_by) for r in later] == [
        ("community", 8_000_000, dt.date(2025, 11, 5), "Đoàn thanh niên góp ngày công", front),
        ("state", -3_000_000, dt.date(2025, 11, 9), "ghi trùng chứng từ", front)]
    client.force_login(front)
    page = client.get(f"/fund/houses/{h.pk}/").content.decode()
    assert "17.000.000" in page and "8.000.000" in page and "-3.000.000" in page


def test_a_refused_contribution_writes_no_row(front, fund, hh, paid):
    h = actions.create_house(front, fund, household=hh, fund_vnd=paid.amount_vnd, disbursement=paid)
    n = HouseContribution.objects.count()
    with pytest.raises(Exception):
        actions.add_house_contribution(front, h, source="state", amount_vnd=1, date=dt.date(2025, 11, 5),
                                       note="giảm quá số đã ghi", correction=True)
    assert HouseContribution.objects.count() == n and _sums(h) == _totals(h)


def test_a_contribution_row_is_never_changed_or_deleted(front, fund, hh, paid):
    h = actions.create_house(front, fund, household=hh, fund_vnd=paid.amount_vnd, disbursement=paid)
    row = HouseContribution.objects.filter(house=h).get()
    row.amount_vnd = 1
    for attempt in (row.save, row.delete, lambda: HouseContribution.objects.filter(pk=row.pk).update(amount_vnd=1),
                    lambda: HouseContribution.objects.filter(pk=row.pk).delete()):
        with pytest.raises(ImmutableError):
            attempt()
    assert HouseContribution.objects.get(pk=row.pk).amount_vnd == paid.amount_vnd
