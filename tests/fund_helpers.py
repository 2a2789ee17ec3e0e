"""Shared helpers of the Fund for the Poor tests (not a test module): Fatherland Front committee
users of xa's commune, of the other commune and of the province, and an opened commune fund."""
import datetime as dt

from chungtay.accounts.models import Assignment
from chungtay.fund import actions

DAY = dt.date(2025, 10, 20)


def front_user(unit, username: str):
    from django.contrib.auth import get_user_model
    User = get_user_model()
    u = User.objects.filter(username=username).first()
    if u is None:
        u = User.objects.create_user(username, first_name=f"MTTQ {unit.name}")
        Assignment.objects.create(user=u, unit=unit, role="front_committee")
    return u


def commune_front(commune):
    return front_user(commune, "mttq-xa")


def province_front(commune):
    return front_user(commune.parent, "mttq-tinh")


def fund_of(user, unit):
    from chungtay.fund.models import Fund
    return Fund.objects.filter(unit=unit).first() or actions.open_fund(user, unit, opened_on=dt.date(2020, 1, 1))


def donor(user, fund, name="Công ty TNHH Minh Phát", kind="enterprise", **kw):
    return actions.create_donor(user, fund, kind=kind, name=name, **kw)


def give(user, fund, amount, d=None, **kw):
    return actions.record_donation(user, fund, donor=kw.pop("donor", None) or donor(user, fund), date=d or DAY,
                                   value_vnd=amount, **kw)


def two_level_books(commune):
    """The commune fund and its province's fund, as in the ledger property test: (users, funds,
    donors, three active households of the commune)."""
    from chungtay.households.models import Household
    cf, pf = commune_front(commune), province_front(commune)
    users = [cf, pf]
    funds = [fund_of(cf, commune), fund_of(pf, commune.parent)]
    donors = [donor(u, f) for u, f in zip(users, funds)]
    households = list(Household.objects.filter(commune=commune, status="active", end_year=None).order_by("id")[:3])
    return users, funds, donors, households
