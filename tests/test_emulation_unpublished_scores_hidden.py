"""A scoring's scores before publication are for who scores or publishes it: the scoring page shows
them to the commune officer (who scores) and the chairman (who publishes), not to a village head of
the area, who sees a notice instead; once published everyone of the area sees them. The API answers
the same (403 scores_not_published)."""
from django.test import Client

from chungtay.emulation import actions
from chungtay.emulation.models import PUBLISHED
from tests.emulation_helpers import scored
from tests.test_api_support import KeyClient

FORMULA = "escaped = 3: 40 × 3/4 = 40 × 0,75 = 30 điểm"
NOTICE = "Điểm chưa công bố"


def _page(user, run) -> str:
    c = Client()
    c.force_login(user)
    r = c.get(f"/emulation/runs/{run.pk}/")
    assert r.status_code == 200
    return r.content.decode()


def test_only_the_scorers_see_scores_before_publication(commune_officer, commune_chairman, village_head,
                                                         my_commune):
    m, run, *_ = scored(commune_officer, my_commune)
    assert run.state != PUBLISHED
    for user in (commune_officer, commune_chairman):
        page = _page(user, run)
        assert FORMULA in page and NOTICE not in page
    page = _page(village_head, run)
    assert FORMULA not in page and "Xuất sắc" not in page and NOTICE in page
    r = KeyClient(village_head).get(f"/emulation-runs/{run.pk}/scores")
    assert r.status_code == 403 and r.json()["code"] == "scores_not_published"


def test_everyone_of_the_area_sees_them_once_published(commune_officer, commune_chairman, village_head, my_commune):
    m, run, *_ = scored(commune_officer, my_commune)
    run = actions.advance_run(commune_officer, run)                  # → cluster re-check
    run = actions.advance_run(commune_officer, run)                  # → council
    run = actions.advance_run(commune_chairman, run, comment_days=15)  # → published
    assert run.state == PUBLISHED
    page = _page(village_head, run)
    assert FORMULA in page and NOTICE not in page
    assert KeyClient(village_head).get(f"/emulation-runs/{run.pk}/scores").status_code == 200
