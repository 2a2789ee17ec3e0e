"""The app's criteria sets name each criterion in Vietnamese and English (issue 12 §5: "code,
name in VI and EN"; audit GAP 7); the CLI's table format (``chungtay emulation score``) keeps the
name optional, as the issue specifies it."""
import copy

import pytest
from django.core.exceptions import ValidationError

from chungtay.core import emulation as core
from chungtay.emulation import actions
from tests.emulation_helpers import TABLE, movement


@pytest.mark.parametrize("name", [None, "Tuyên truyền", {"vi": "Tuyên truyền"},
                                  {"en": "Communication", "fr": "Communication"}])
def test_a_criterion_without_both_names_is_refused(commune_officer, my_commune, name):
    table = copy.deepcopy(TABLE)
    if name is None:
        del table["criteria"][2]["name"]
    else:
        table["criteria"][2]["name"] = name
    with pytest.raises(ValidationError) as e:
        actions.parse_criteria(table)
    assert "Cần tên tiêu chí bằng tiếng Việt và tiếng Anh" in e.value.message_dict["table"][0]
    assert "3 (B1)" in e.value.message_dict["table"][0]
    m = movement(commune_officer, my_commune)
    with pytest.raises(ValidationError):
        actions.add_criteria_set(commune_officer, m, table)
    assert core.parse_table(table).criterion("B1").points == 10          # the CLI's format: accepted


def test_both_names_are_kept(commune_officer, my_commune):
    cs = actions.add_criteria_set(commune_officer, movement(commune_officer, my_commune), TABLE)
    assert cs.table["criteria"][2]["name"] == {"vi": "Có hoạt động tuyên truyền", "en": "Communication activity"}
