"""Role × URL rows of the revolving models (merged by tests/test_role_url_matrix.py).

The world gets a goat model of xa's commune whose plan holds the village head's household, a
goat handed over to a household of that village and passed on to another household of the
commune. Reads answer inside the area (the village head: the models that reach the village);
setting up is the province and commune officers'; events are the commune officer's and the
village head's (of the holder's village)."""
import datetime as dt

from tests.test_role_url_matrix import ADMIN, ANON, CHUTICH, THON, TINH, XA, XA2, Case, codes, only


def extend(w):
    from django.contrib.auth import get_user_model

    from chungtay.households.models import Household
    from chungtay.revolving import actions
    officer = get_user_model().objects.get(username="xa")
    live = Household.objects.filter(status="active", end_year=None).order_by("id")
    first = live.filter(village=w.village).first()
    other = live.filter(commune=w.commune).exclude(village=w.village).first()
    w.rv_model = actions.create_model(officer, commune=w.commune, code="MATRIX-DE", name="Dê luân chuyển", kind="livestock",
                                      rule_type="offspring", months=12, start_date=dt.date(2023, 1, 1),
                                      planned=[first.code, other.code])
    goat = actions.add_asset(officer, w.rv_model, code="D1", value_vnd=3_000_000, household=first,
                             date=dt.date(2023, 1, 10), sex="female")
    w.rv_extra = live.filter(commune=w.commune).exclude(pk__in=[first.pk, other.pk]).first().code
    w.rv_transfer = actions.record_transfer(officer, w.rv_model, goat, to_household=other, date=dt.date(2023, 12, 1),
                                            witness="Trưởng thôn")


READ = codes(200)
SEEN = codes(200, **{XA2: 404})                 # the model reaches the village head's village
MANAGERS = (TINH, XA)

CASES = {
    "revolving:list": [Case("GET", expect=READ)],
    "revolving:new": [Case("GET", expect=only(200, (TINH, XA, XA2), outside=())),
                      Case("POST", expect=only(200, (TINH, XA, XA2), outside=()), data=lambda w: {})],
    "revolving:detail": [Case("GET", lambda w: [w.rv_model.pk], SEEN)],
    "revolving:asset_new": [Case("GET", lambda w: [w.rv_model.pk], codes(405, **{XA2: 405})),
                            Case("POST", lambda w: [w.rv_model.pk], only(200, MANAGERS), data=lambda w: {})],
    "revolving:plan_add": [Case("POST", lambda w: [w.rv_model.pk], only(200, MANAGERS), data=lambda w: {}),
                           Case("POST", lambda w: [w.rv_model.pk], only(302, MANAGERS),
                                data=lambda w: {"planned": w.rv_extra})],
    "revolving:event_new": [Case("POST", lambda w: [w.rv_model.pk, "transfer"], only(200, (XA, THON)), data=lambda w: {}),
                            Case("POST", lambda w: [w.rv_model.pk, "death"], only(200, (XA, THON)), data=lambda w: {}),
                            Case("POST", lambda w: [w.rv_model.pk, "nonsense"], codes(404), data=lambda w: {})],
    "revolving:event_void": [Case("POST", lambda w: [w.rv_model.pk, w.rv_transfer.pk], only(302, (XA, THON)),
                                  data=lambda w: {"reason": "ghi nhầm hộ nhận"})],
}
assert ANON and ADMIN and CHUTICH
