"""Role × URL rows of the jobs app (prepared files, the demo load's status page): merged into
tests/test_role_url_matrix.py. A prepared file is its requester's alone (everyone else: 404). The
province's summary tables are prepared for whoever reads the province (the province officer and
the province's Front committee); the others are outside (404)."""
from __future__ import annotations

from tests.test_role_url_matrix import ADMIN, MTTQTINH, TINH, Case, DATA_YEAR, codes

SUMMARIES = "reports.summaries_xlsx"


def extend(world) -> None:
    """A ready prepared file of the province officer (and its stored file) for the page rows."""
    import secrets

    from django.contrib.auth import get_user_model

    from chungtay.jobs import files
    from chungtay.jobs.models import PreparedFile
    tinh = get_user_model().objects.get(username="tinh")
    f = PreparedFile.objects.create(user=tinh, unit=world.province, kind=SUMMARIES, params={"year": DATA_YEAR},
                                    filename="bieu.xlsx", token=secrets.token_hex(16), status=PreparedFile.DONE,
                                    progress=100, size=2)
    files.final_path(f).write_bytes(b"PK")
    world.prepared = f


def _new(w) -> dict:
    return {"kind": SUMMARIES, "unit": w.province.pk, "year": DATA_YEAR}


CASES = {
    "jobs:files": [Case("GET", expect=codes(200))],
    "jobs:file_new": [Case("GET", expect=codes(405)),
                      Case("POST", expect=codes(404, **{ADMIN: 302, TINH: 302, MTTQTINH: 302}), data=_new)],
    "jobs:file": [Case("GET", lambda w: [w.prepared.pk], codes(404, **{TINH: 200}))],
    "jobs:file_json": [Case("GET", lambda w: [w.prepared.pk], codes(404, **{TINH: 200}))],
    "jobs:file_download": [Case("GET", lambda w: [w.prepared.pk], codes(404, **{TINH: 200}))],
    "jobs:demo": [Case("GET", expect=codes(200, anon=200))],
}
