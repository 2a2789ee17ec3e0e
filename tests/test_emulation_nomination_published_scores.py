"""A nomination rests on published scores (issue 12 §5–§6; audit GAP 8): one naming a scoring
that is not published is refused, and its dossier is not submitted upward while the published
scores are still open to public comment (through ``comment_until``)."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chungtay.emulation import actions
from chungtay.emulation import actions_awards as act
from chungtay.emulation import commendation as rules
from tests.emulation_award_helpers import MEMBERS, to_appraised
from tests.emulation_helpers import scored

ARGS = dict(subject_kind=rules.COLLECTIVE, year=2025, form_code="giay_khen_xa", achievements="Dẫn đầu cụm")


def test_not_on_unpublished_scores(commune_officer, commune_chairman, my_commune):
    m, run, p1, p2, _ = scored(commune_officer, my_commune)
    for step in range(3):
        with pytest.raises(ValidationError) as e:
            act.create_nomination(commune_officer, p1, run=run, **ARGS)
        assert "chưa công bố" in e.value.message_dict["run"][0]
        run = actions.advance_run(commune_chairman if step == 2 else commune_officer, run, comment_days=15)
    assert run.state == "published"
    assert act.create_nomination(commune_officer, p1, run=run, **ARGS).run_id == run.pk


def test_not_submitted_upward_before_the_comment_period_ends(commune_officer, commune_chairman, my_commune):
    m, run, p1, p2, _ = scored(commune_officer, my_commune)
    run = actions.advance_run(commune_officer, actions.advance_run(commune_officer, run))
    run = actions.advance_run(commune_chairman, run, comment_days=15, today=dt.date(2026, 2, 1))
    assert run.comment_until == dt.date(2026, 2, 16)
    n = to_appraised(commune_officer, act.create_nomination(commune_officer, p1, run=run, today=dt.date(2026, 2, 2),
                                                           **ARGS))
    act.record_vote(commune_officer, n, council="Hội đồng Thi đua – Khen thưởng xã", held_on=dt.date(2026, 2, 10),
                    members=MEMBERS, today=dt.date(2026, 2, 10))
    n.refresh_from_db()
    with pytest.raises(ValidationError) as e:
        act.advance_nomination(commune_officer, n, to=rules.UPWARD, today=dt.date(2026, 2, 16))
    assert ("Chưa trình cấp trên được: kết quả chấm điểm năm 2025 đang lấy ý kiến công khai đến hết ngày 16/02/2026; "
            "trình từ ngày 17/02/2026") in " ".join(e.value.messages)
    assert act.advance_nomination(commune_officer, n, to=rules.UPWARD, today=dt.date(2026, 2, 17)).state == rules.UPWARD
