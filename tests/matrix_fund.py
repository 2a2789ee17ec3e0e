"""Role × URL rows of the Fund for the Poor (merged by tests/test_role_url_matrix.py).

The world gets the fund of xa's commune, opened by its Fatherland Front committee (the persona
``mttq``), with a donor, a donation, an allocation and a disbursement to a household of the village
head's village. Every persona of the matrix reads the fund of its area (xa2, of another commune,
gets 404); only the commune's committee ``mttq`` writes in it. The other roles are refused (403),
and so is the province's committee ``mttqtinh``: it reads its communes' funds, but each level
keeps its own books (docs/roles.md). The world also has a Great Unity house, started, of a household
of the village head's village: read like the fund, written (start, stage, contribution) by ``mttq``
alone. Either committee may open the fund of its own unit from the list page. The published period's public page answers everyone, anonymous included."""
import datetime as dt

from tests.test_role_url_matrix import (ADMIN, ANON, CHUTICH, MTTQ, MTTQTINH, THON, TINH, XA, XA2, Case, codes,
                                        only)


def extend(w):
    from chungtay.fund import actions
    from django.contrib.auth import get_user_model

    from tests.fund_helpers import donor, fund_of
    front = get_user_model().objects.get(username=MTTQ)
    w.fund = fund_of(front, w.commune)
    d = donor(front, w.fund)
    w.donation = actions.record_donation(front, w.fund, donor=d, date=dt.date(2025, 10, 20), value_vnd=30_000_000)
    actions.decide_allocation(front, w.fund, decision_no="1/QĐ-MTTQ", decision_date=dt.date(2025, 10, 25),
                              title="Phân bổ", lines=[("house", w.commune, 20_000_000)])
    w.disbursement = actions.record_disbursement(front, w.fund, household=w.hh, purpose="house", amount_vnd=5_000_000,
                                                 date=dt.date(2025, 11, 1))
    from chungtay.support.models import Partner
    w.partner = Partner.objects.create(name="Công ty Minh Phát", kind="enterprise", unit=w.commune,
                                       province=w.commune.parent, commune=w.commune)
    w.period = actions.publish_period(front, w.fund, start=dt.date(2025, 10, 1), end=dt.date(2025, 11, 30))
    # a Great Unity house of another household of the village head's village (w.hh keeps none: the
    # no-500 test starts one for it), started
    from chungtay.households.models import Household
    other = Household.objects.filter(village=w.village, status="active").exclude(pk=w.hh.pk).order_by("id").first()
    w.house = actions.create_house(front, w.fund, household=other, fund_vnd=45_000_000, state_vnd=20_000_000)
    w.house = actions.advance_house(front, w.house, stage="started", date=dt.date(2025, 11, 5))


READ = codes(200, **{XA2: 404})             # the fund of xa's commune
BOOKS = only(200, (MTTQ,), outside=(XA2,))  # a write: the commune's committee; 403 for every other persona
                                            # (the province's committee too), 404 outside the area


def _fund(w):
    return [w.fund.pk]


def _house(w):
    return [w.house.pk]


CASES = {
    "fund:list": [Case("GET", expect=codes(200)),
                  Case("POST", expect=codes(403, **{MTTQ: 200, MTTQTINH: 200}), data=lambda w: {})],
    "fund:detail": [Case("GET", _fund, READ)],
    "fund:donors": [Case("GET", _fund, READ), Case("POST", _fund, BOOKS, data=lambda w: {})],
    "fund:campaigns": [Case("GET", _fund, READ), Case("POST", _fund, BOOKS, data=lambda w: {})],
    "fund:pledges": [Case("GET", _fund, READ), Case("POST", _fund, BOOKS, data=lambda w: {})],
    "fund:donations": [Case("GET", _fund, READ)],
    "fund:donation_new": [Case("GET", _fund, BOOKS), Case("POST", _fund, BOOKS, data=lambda w: {})],
    "fund:donation_import": [Case("GET", _fund, BOOKS), Case("POST", _fund, BOOKS, data=lambda w: {})],
    "fund:receipt": [Case("GET", lambda w: [w.donation.pk], READ)],
    "fund:allocation_new": [Case("GET", _fund, BOOKS), Case("POST", _fund, BOOKS, data=lambda w: {})],
    "fund:disbursement_new": [Case("GET", _fund, BOOKS), Case("POST", _fund, BOOKS, data=lambda w: {})],
    "fund:payment_list_new": [Case("GET", _fund, BOOKS), Case("POST", _fund, BOOKS, data=lambda w: {})],
    "fund:disbursements": [Case("GET", _fund, READ)],
    "fund:transfer_new": [Case("GET", _fund, BOOKS), Case("POST", _fund, BOOKS, data=lambda w: {})],
    "fund:reconcile": [Case("GET", _fund, READ), Case("POST", _fund, BOOKS, data=lambda w: {})],
    "fund:publish": [Case("GET", _fund, codes(405, anon=405)),
                     Case("POST", _fund, only(302, (MTTQ,), outside=(XA2,)),
                          data=lambda w: {"start": "2025-10-01", "end": "2025-11-30"})],
    "fund:public": [Case("GET", expect=codes(200, anon=200))],
    "fund:public_period": [Case("GET", lambda w: [w.period.pk], codes(200, anon=200)),
                           Case("GET", lambda w: [w.period.pk + 10_000], codes(404, anon=404))],
    "fund:public_statement": [Case("GET", lambda w: [w.period.pk, "pdf"], codes(200, anon=200)),
                              Case("GET", lambda w: [w.period.pk + 10_000, "xlsx"], codes(404, anon=404))],
    "fund:statement": [Case("GET", lambda w: [w.fund.pk, w.period.pk, "xlsx"], READ)],
    "fund:recipients": [Case("GET", _fund, READ)],
    "support:partner": [Case("GET", lambda w: [w.partner.pk], READ)],
    "fund:houses": [Case("GET", _fund, READ)],
    "fund:house_new": [Case("GET", _fund, BOOKS), Case("POST", _fund, BOOKS, data=lambda w: {}),
                       Case("POST", _fund, only(302, (MTTQ,), outside=(XA2,)),
                            data=lambda w: {"household": w.hh.code, "fund_vnd": "45.000.000",
                                            "state_vnd": "1.200.000"})],
    "fund:house": [Case("GET", _house, READ)],      # its household is in the village head's village
    "fund:house_advance": [Case("GET", _house, BOOKS), Case("POST", _house, BOOKS, data=lambda w: {}),
                           Case("POST", _house, only(302, (MTTQ,), outside=(XA2,)),
                                data=lambda w: {"stage": "frame", "date": "2025-11-20", "note": "Xong móng"})],
    "fund:house_contribution": [Case("GET", _house, BOOKS), Case("POST", _house, BOOKS, data=lambda w: {}),
                                Case("POST", _house, only(302, (MTTQ,), outside=(XA2,)),
                                     data=lambda w: {"source": "community", "kind": "add", "amount_vnd": "2.000.000",
                                                     "date": "2025-11-21", "note": "Đoàn Thanh niên"})],
    "fund:reverse": [Case("GET", lambda w: [w.disbursement.txn_id], BOOKS),
                     Case("POST", lambda w: [w.disbursement.txn_id], BOOKS, data=lambda w: {})],
}
assert ANON and ADMIN and CHUTICH and THON and TINH and XA
