"""Role × URL rows of the groups app (merged by tests/test_role_url_matrix.py).

The world gets a savings-and-loan group in the village head's village (xa's commune) with one
member household and one deposit. Reads answer inside the area (the village head sees the
groups of the own village), writes only to the province and commune officers (group_manage)."""
import datetime as dt

from tests.test_role_url_matrix import ADMIN, ANON, CHUTICH, THON, TINH, XA, XA2, Case, codes, only


def extend(w):
    from django.contrib.auth import get_user_model

    from chungtay.groups import actions
    officer = get_user_model().objects.get(username="xa")
    w.group = actions.create_group(officer, commune=w.commune, village=w.village, name="Tổ TK&VV ma trận",
                                   kind="savings_loan", run_by_unit=w.commune, founded_on=dt.date(2022, 1, 1))
    w.membership = actions.add_member(officer, w.group, household=w.hh, role="leader", joined_on=dt.date(2022, 1, 1))
    w.entry = actions.record_entry(officer, w.group, membership=w.membership, kind="deposit", amount_vnd=200_000,
                                   date=dt.date(2023, 1, 1))


READ = codes(200)
IN_VILLAGE = codes(200, **{XA2: 404})
WRITERS = (TINH, XA)

CASES = {
    "groups:list": [Case("GET", expect=READ), Case("GET", expect=READ, query="?kind=savings_loan&q=T%E1%BB%95"),
                    Case("POST", expect=only(200, (TINH, XA, XA2), outside=()), data=lambda w: {})],
    "groups:detail": [Case("GET", lambda w: [w.group.pk], IN_VILLAGE)],
    "groups:member_add": [Case("GET", lambda w: [w.group.pk], codes(405)),
                          Case("POST", lambda w: [w.group.pk], only(200, WRITERS), data=lambda w: {})],
    "groups:member_leave": [Case("POST", lambda w: [w.membership.pk], only(302, WRITERS),
                                 data=lambda w: {"left_on": "2024-01-01", "reason": "chuyển đi"})],
    "groups:meeting_add": [Case("POST", lambda w: [w.group.pk], only(302, WRITERS), data=lambda w: {
        "held_on": "2024-03-08", "attendees": 12, "topic": "Sinh hoạt định kỳ", "minutes": ""})],
    "groups:entry_add": [Case("POST", lambda w: [w.group.pk], only(302, WRITERS), data=lambda w: {
        "membership": w.membership.pk, "kind": "deposit", "amount_vnd": "100.000", "date": "2024-01-01", "note": ""})],
    "groups:entry_reverse": [Case("POST", lambda w: [w.entry.pk], only(302, WRITERS),
                                  data=lambda w: {"reason": "ghi nhầm"})],
}
assert ANON and ADMIN and CHUTICH and THON  # the names used by codes()/only() defaults
