"""Role × URL rows of the movement's review report (merged by tests/test_role_url_matrix.py).

The report of the movement that ``tests/matrix_emulation.py`` launches on xa's commune (its
``extend`` runs first: the modules are merged in name order). Everyone whose area holds the
movement reads the report, the village head his village's part of it; xa2 gets 404. Publishing is
``scoring_publish`` on the report's unit: the commune chairman and the province officer; the
commune officer, the village head (on his village) and the national level are refused (403)."""
from tests.test_role_url_matrix import TINH, XA2, CHUTICH, Case, codes, only

READ = codes(200, **{XA2: 404})
MOV = lambda w: [w.movement.pk]             # noqa: E731

CASES = {
    "emulation:report": [Case("GET", MOV, READ), Case("GET", MOV, READ, "?from=2021&to=2025")],
    "emulation:report_docx": [Case("GET", MOV, READ, "?from=2024&to=2025")],
    "emulation:report_pdf": [Case("GET", MOV, READ, "?from=2024&to=2025")],
    "emulation:report_publish": [Case("GET", MOV, codes(405)),
                                 Case("POST", MOV, only(302, (TINH, CHUTICH)), "?from=2021&to=2025",
                                      data=lambda w: {})],
}
