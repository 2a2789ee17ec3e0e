"""Role × URL rows of the support app (merged by tests/test_role_url_matrix.py).

The world gets a support of a household of the village head's village (xa's commune), a
distribution, an evidence file, a pairing. Reads answer inside the area (the village head:
own village only), writes only to the roles of docs/roles.md."""
import atexit
import datetime as dt
import uuid
from decimal import Decimal

from tests.test_role_url_matrix import ADMIN, ANON, CHUTICH, THON, TINH, XA, XA2, Case, codes, only

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def extend(w):
    from chungtay.support import actions, people
    from chungtay.support.models import Evidence, ProgrammePart
    from django.contrib.auth import get_user_model
    officer = get_user_model().objects.get(username="xa")
    f = actions.Facts(part=ProgrammePart.objects.get(code="GNBV2125.DA3.TDA1"), kind="livestock",
                      quantity=Decimal(1), unit_of_measure="con", value_vnd=10_000_000, date=dt.date(2024, 5, 1),
                      status="delivered", funding=[("NSTW", 100, True)], provider_unit=w.commune)
    w.support = actions.record_support(officer, w.hh, f)
    w.distribution = actions.record_distribution(officer, unit=w.commune, decision_no="5/QĐ", decision_date=dt.date(2024, 5, 1),
                                                 title="Cấp giống", codes=[w.hh.code], facts=f)
    name = f"matrix-{uuid.uuid4().hex}.png"
    w.evidence = Evidence.objects.create(stored_name=name, original_name="a.png", content_type="image/png",
                                         size=len(PNG), sha256="0", village=w.hh.village, commune=w.hh.commune,
                                         province=w.hh.province)
    from chungtay.support import evidence as store
    path = store.folder() / name
    path.write_bytes(PNG)
    atexit.register(path.unlink, missing_ok=True)      # the data folder keeps no test file
    w.pairing = people.create_pairing(officer, officer=officer, household=w.hh, start_date=dt.date(2024, 1, 1),
                                      commitments="Hướng dẫn chăn nuôi")


READ = codes(200)                                          # every signed-in user, scoped lists
IN_VILLAGE = codes(200, **{XA2: 404})                      # an object of the village head's village
WRITERS = (TINH, XA)

CASES = {
    "support:ledger": [Case("GET", expect=READ), Case("GET", expect=READ, query="?year=2024&kind=livestock&status=delivered"),
                       Case("GET", lambda w: [], codes(200, **{THON: 404, XA2: 404}), lambda w: f"?unit={w.commune.pk}")],
    "support:catalogue": [Case("GET", expect=READ)],
    "support:new": [Case("GET", lambda w: [w.hh.pk], only(200, WRITERS)),
                    Case("POST", lambda w: [w.hh.pk], only(200, WRITERS), data=lambda w: {})],
    "support:detail": [Case("GET", lambda w: [w.support.entry_id], IN_VILLAGE)],
    "support:correct": [Case("GET", lambda w: [w.support.entry_id], only(200, WRITERS)),
                        Case("POST", lambda w: [w.support.entry_id], only(200, WRITERS), data=lambda w: {})],
    "support:cancel": [Case("GET", lambda w: [w.support.entry_id], codes(405)),
                       Case("POST", lambda w: [w.support.entry_id], only(302, WRITERS), data=lambda w: {"reason": "trả lại"})],
    "support:distributions": [Case("GET", expect=READ)],
    "support:distribution_new": [Case("GET", expect=only(200, (TINH, XA, XA2), outside=())),
                                 Case("POST", expect=only(200, (TINH, XA, XA2), outside=()), data=lambda w: {})],
    "support:distribution": [Case("GET", lambda w: [w.distribution.pk], IN_VILLAGE)],
    "support:evidence": [Case("GET", lambda w: [w.evidence.pk], IN_VILLAGE)],
    "support:import": [Case("GET", expect=only(200, (TINH, XA, XA2), outside=())),
                       Case("POST", expect=only(200, (TINH, XA, XA2), outside=()), data=lambda w: {})],
    "support:import_template": [Case("GET", expect=only(200, (TINH, XA, XA2), outside=()))],
    "support:partners": [Case("GET", expect=READ),
                         Case("POST", expect=only(200, (TINH, XA, XA2), outside=()), data=lambda w: {})],
    "support:pairings": [Case("GET", expect=READ),
                         Case("POST", expect=only(200, (TINH, XA, XA2), outside=()), data=lambda w: {})],
    "support:pairing_end": [Case("POST", lambda w: [w.pairing.pk], only(302, WRITERS),
                                 data=lambda w: {"ended_on": "2025-01-01", "reason": "hộ đã thoát nghèo"})],
    "support:pledges": [Case("GET", expect=READ), Case("GET", expect=READ, query="?year=2024"),
                        Case("POST", expect=only(200, (XA, XA2), outside=()), data=lambda w: {})],
    "support:radar": [Case("GET", expect=READ), Case("GET", expect=READ, query="?year=2025&full=pledges"),
                      Case("GET", expect=READ, query="?year=2025&format=csv&list=unsupported"),
                      Case("GET", lambda w: [], codes(200, **{THON: 404, XA2: 404}), lambda w: f"?unit={w.commune.pk}")],
    "support:outcomes": [Case("GET", expect=READ), Case("GET", expect=READ, query="?from=2023&to=2025&kind=livestock"),
                         Case("GET", lambda w: [], codes(200, **{THON: 404, XA2: 404}), lambda w: f"?unit={w.commune.pk}")],
    "support:report": [Case("GET", expect=READ), Case("GET", expect=READ, query="?from=abc&to=2999"),
                       Case("GET", lambda w: [], codes(200, **{THON: 404, XA2: 404}),
                            lambda w: f"?unit={w.commune.pk}&from=2024&to=2025")],
    "support:report_xlsx": [Case("GET", expect=READ, query="?from=2024"), Case("GET", expect=codes(400), query="?from=abc"),
                            Case("GET", lambda w: [], codes(200, **{THON: 404, XA2: 404}),
                                 lambda w: f"?unit={w.commune.pk}&from=2024&to=2025")],
    "support:report_pdf": [Case("GET", expect=READ, query="?from=2024"),
                           Case("GET", lambda w: [], codes(200, **{THON: 404, XA2: 404}),
                                lambda w: f"?unit={w.commune.pk}&from=2024&to=2025")],
}
assert ANON and ADMIN and CHUTICH  # the names used by codes()/only() defaults
