"""Role × URL rows of the field app (the tablet survey of a round): merged into
tests/test_role_url_matrix.py. Only the commune poverty officer runs the tablet survey of the
commune's round (``round_survey`` on the commune itself); the other commune's officer cannot see
the round (404); the village head, province officer, chairman and administrator see it but are
refused (403). An empty upload and a sync without a configured server answer 400 to the officer:
the role check let them through."""
from __future__ import annotations

from tests.test_role_url_matrix import XA, Case, only

ROUND = lambda w: [w.rnd.pk]  # noqa: E731

CASES = {
    "field:round": [Case("GET", ROUND, only(200, (XA,)))],
    "field:xlsform": [Case("GET", ROUND, only(200, (XA,)))],
    "field:households": [Case("GET", ROUND, only(200, (XA,)))],
    "field:import": [Case("POST", ROUND, only(400, (XA,)))],
    "field:sync": [Case("POST", ROUND, only(400, (XA,)))],
}
