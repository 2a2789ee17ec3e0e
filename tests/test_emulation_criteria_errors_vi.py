"""The criteria form answers a malformed table in the page's language (audit GAP 11): the core's
problems (``chungtay.core.emulation.TableError``) carry a Vietnamese rendering, used by the app in
Vietnamese; the CLI keeps the English words (tests/test_emulation_score_cli.py)."""
import json

import pytest

from chungtay.core import emulation as core
from tests.emulation_helpers import movement

BAD = {"code": "", "name": "", "bands": [{"min": "x"}, {"min": 0, "label": "A"}, {"min": 0, "label": "B"}],
       "criteria": [{"code": "A", "column": "a", "points": 1, "kind": "percent"},
                    {"code": "B", "column": "", "points": "3", "kind": "ratio", "name": ""},
                    {"code": "C", "column": "c", "points": 1, "kind": "threshold", "direction": "up"},
                    {"code": "D", "column": "d", "points": 1, "kind": "bonus", "per": 0, "max": 2},
                    {"code": "E", "column": "e", "points": 1, "kind": "ratio", "target": -1, "cap": -1},
                    {"code": "A", "column": "a", "points": 1, "kind": "boolean"}, "x", {"kind": "boolean"}]}
ENGLISH = ("must", "missing", "unknown kind", "needs", "duplicate", "the same min", "criterion ", "band ")


def test_every_problem_has_its_vietnamese_rendering():
    with pytest.raises(core.TableError) as e:
        core.parse_table(BAD)
    en, vi = e.value.problems, e.value.problems_vi
    assert len(en) == len(vi) == 12
    assert str(e.value) == "12 problems:\n  " + "\n  ".join(en)       # the CLI's message, in English
    assert "criterion 1 (A): unknown kind 'percent' (use boolean, threshold, ratio, relative, bonus)" in en
    assert "tiêu chí 1 (A): loại (kind) không hợp lệ 'percent' (dùng boolean, threshold, ratio, relative, bonus)" in vi
    for v in vi:
        assert not any(w in v for w in ENGLISH), v
    with pytest.raises(core.TableError) as e:
        core.parse_table([])
    assert e.value.problems_vi[0].startswith("bảng tiêu chí phải là một đối tượng JSON")


@pytest.mark.parametrize("lang, want, not_want", [
    ("vi", "tiêu chí 1 (A): loại (kind) không hợp lệ", "unknown kind"),
    ("en", "criterion 1 (A): unknown kind", "loại (kind) không hợp lệ")])
def test_the_criteria_form_speaks_the_pages_language(client, commune_officer, my_commune, lang, want, not_want):
    m = movement(commune_officer, my_commune)
    client.force_login(commune_officer)
    from django.conf import settings
    from chungtay.web.middleware import LANG_COOKIE
    client.cookies[LANG_COOKIE] = lang
    assert lang in {c for c, _ in settings.LANGUAGES}
    r = client.post(f"/emulation/{m.pk}/criteria/", {"table": json.dumps(BAD)})
    page = r.content.decode().replace("&#x27;", "'")
    assert r.status_code == 200 and want in page and not_want not in page
