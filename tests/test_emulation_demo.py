"""The demo's emulation movement (chungtay/emulation/demo.py): Kon Tum's 2017–2020 movement written
through the actions, with the seeds' figures, and a published scoring whose points are what the
sources and the core give for its participants."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from chungtay.accounts.models import AuditEvent
from chungtay.core import emulation as core
from chungtay.emulation import actions, sources
from chungtay.emulation.demo import CLUSTER_NAME, CRITERIA, DECISION_NO, create_demo_movement
from chungtay.emulation.models import (FINAL, PUBLISHED, Activity, Cluster, ClusterMember, Movement, Pact,
                                       Participant, Registration, Score, ScoreRun, ScoreTotal)


def _counts():
    from chungtay.emulation import models
    return {n: getattr(models, n).objects.count() for n in (
        "Movement", "MovementContent", "Participant", "Cluster", "ClusterMember", "Registration", "RegisteredTarget",
        "Pact", "Activity", "CriteriaSet", "ScoreRun", "Score", "ScoreTotal")}


def test_the_demo_movement(db, province_officer, commune_officer, my_commune, other_commune):
    start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    out = create_demo_movement()
    assert out["created"]
    m = Movement.objects.get(pk=out["movement"])
    assert (m.decision_no, m.level, m.start_year, m.end_year, m.state) == (DECISION_NO, "province", 2017, 2020, FINAL)
    assert m.parent.decision_no == "1258/QĐ-TTg" and m.unit.code == "51"
    assert m.contents.count() == 6
    assert m.goals.filter(plan__document_no=DECISION_NO).count() == 3
    cm = Movement.objects.get(pk=out["commune_movement"])
    assert (cm.parent_id, cm.unit_id, cm.level) == (m.pk, my_commune.pk, "commune")
    assert cm.participants.filter(kind=Participant.HOUSEHOLD).exists()

    communes = m.participants.filter(kind=Participant.UNIT, unit__level="commune")
    assert communes.count() == 6
    assert {my_commune.pk, other_commune.pk} <= set(communes.values_list("unit_id", flat=True))

    # one cluster; head and deputy rotate each year
    cluster = Cluster.objects.get(movement=m, name=CLUSTER_NAME)
    heads = dict(ClusterMember.objects.filter(cluster=cluster, role="head").values_list("year", "participant_id"))
    deputies = dict(ClusterMember.objects.filter(cluster=cluster, role="deputy").values_list("year", "participant_id"))
    assert set(heads) == set(deputies) == {2018, 2019, 2020}
    assert len(set(heads.values())) == 3 and heads[2019] == deputies[2018]
    pact = Pact.objects.get(cluster=cluster)
    assert pact.year == 2018 and pact.parties.count() == 6 and pact.clauses and pact.signed_on.year == 2018

    regs = Registration.objects.filter(participant__movement=m)
    assert set(regs.values_list("year", flat=True)) == {2018, 2019, 2020}
    assert all(r.targets.exists() for r in regs)
    assert regs.filter(participant__kind=Participant.UNIT).count() == 18

    # the seeds' figures
    acts = Activity.objects.filter(movement=m)
    q = {(a.kind, a.unit_of_measure): a for a in acts}
    assert q[("communication", "cụm pano")].quantity == Decimal(10)
    assert q[("communication", "tờ áp phích")].quantity == Decimal(350)
    assert q[("communication", "cuốn sổ tay")].quantity == Decimal(810)
    training = q[("training", "lớp")]
    assert (training.reached, training.invited, training.quantity) == (72, 86, Decimal(2))
    assert acts.filter(kind="model").exists()
    assert acts.filter(kind="exemplary").exclude(story="").exists()

    # a published run; its points are the sources' figures scored by the core
    run = ScoreRun.objects.get(pk=out["run"])
    assert run.state == PUBLISHED and run.published_on and run.comment_until
    parts = list(m.participants.order_by("name", "id"))
    cl = dict(ClusterMember.objects.filter(cluster__movement=m, year=2020).values_list("participant_id", "cluster__name"))
    entered = {(s.participant_id, s.criterion): s.self_value for s in Score.objects.filter(run=run)}
    columns = {"escaped": [], "poverty_rate_fall": [], "communication_done": []}
    for p in parts:
        for code, col in (("A1", "escaped"), ("A2", "poverty_rate_fall")):
            v = sources.figure(col, p, 2020, m).value
            columns[col].append(v if v is not None else entered[(p.pk, code)])
        columns["communication_done"].append(entered[(p.pk, "B1")])
    assert all(sources.figure("escaped", p, 2020, m).value is not None for p in communes)
    expected = core.score(core.parse_table(CRITERIA), columns, [str(p.pk) for p in parts],
                          [cl.get(p.pk, "(chưa vào cụm)") for p in parts])
    totals = {t.participant_id: t for t in ScoreTotal.objects.filter(run=run)}
    points = {(s.participant_id, s.criterion): s.points for s in Score.objects.filter(run=run)}
    for p, r in zip(parts, expected.participants):
        assert (totals[p.pk].total, totals[p.pk].rank, totals[p.pk].band or None) == (r.total, r.rank, r.band)
        assert {c: points[(p.pk, c)] for c in ("A1", "A2", "B1")} == r.scores
    assert len({t.total for t in totals.values()}) > 1

    # through the actions: audited, as tinh and xa
    actors = set(AuditEvent.objects.filter(id__gt=start, action__startswith="emulation.")
                 .values_list("actor__username", flat=True))
    assert actors == {"tinh", "xa"}

    # a second call creates nothing
    before = _counts()
    again = create_demo_movement()
    assert not again["created"] and again["movement"] == m.pk
    assert _counts() == before


def test_a_computed_criterion_is_entered_only_where_the_platform_has_no_figure(db, province_officer):
    out = create_demo_movement()
    m = Movement.objects.get(pk=out["movement"])
    run = ScoreRun.objects.get(pk=out["run"])
    from chungtay.emulation.models import CriteriaSet
    cs = CriteriaSet.objects.get(pk=out["criteria_set"])
    run2 = actions.open_run(province_officer, cs, year=2019)
    commune = m.participants.filter(kind=Participant.UNIT, unit__level="commune").first()
    with pytest.raises(ValidationError, match="không nhập tay"):
        actions.enter_value(province_officer, run2, commune, "A1", 5)
    # a household has no poverty rate of its own: A2 is entered for it, A1 (escaped) is not
    hh = m.participants.filter(kind=Participant.UNIT, unit__level="commune").first().unit
    from chungtay.households.models import Household
    p = actions.add_participant(province_officer, m, household=Household.objects.filter(commune=hh).first())
    with pytest.raises(ValidationError, match="không nhập tay"):
        actions.enter_value(province_officer, run2, p, "A1", 1)
    from tests.emulation_helpers import evidence
    assert actions.enter_value(province_officer, run2, p, "A2", 3.5, upload=evidence()).self_value == 3.5
    assert run.state == PUBLISHED
