"""The province's review report counts the activities of its derived commune movements too,
labelled by movement (issue 12 §4, §7); a published report whose figures change that way is a draft
again, and a report with no derived activity keeps its fingerprint's shape."""
import dataclasses
import hashlib
import json
import datetime as dt
from decimal import Decimal

from chungtay.emulation import actions
from chungtay.emulation.models import Movement
from chungtay.emulation.report import fingerprint, review_report
from chungtay.emulation.report_actions import publish_report
from chungtay.emulation.report_text import blocks
from tests.emulation_helpers import movement, villages


def test_the_province_report_counts_its_communes_movements(province_officer, commune_officer, my_commune):
    national = Movement.objects.get(level="national", decision_no="1258/QĐ-TTg")
    province = my_commune.parent
    pm = movement(province_officer, None, level="province", unit=province, name="Tỉnh chung tay",
                  decision_no="2736/KH-UBND", decision_date=dt.date(2017, 10, 11), issuer="UBND tỉnh",
                  start_year=2017, end_year=2020, parent=national)
    pp = actions.add_participant(province_officer, pm, unit=province)
    actions.report_activity(province_officer, pm, pp, kind="communication", title="Cụm pano", date=dt.date(2018, 6, 30),
                            quantity=10, unit_of_measure="cụm pano")
    r0 = review_report(province_officer, pm, province, 2017, 2020)
    assert {it.movement_vi for g in r0.activities for it in g.items} == {""}
    # the fingerprint of a report without derived activities does not hold the new field (reports
    # published before it stay published)
    d = dataclasses.asdict(r0)
    for k in ("published", "fingerprint"):
        d.pop(k)
    for y in d["results"]["years"]:
        if not y["provisional_vi"]:
            y.pop("provisional_vi")
    for it in [it for grp in d["activities"] for it in grp["items"]] + d["best"]["exemplary"]:
        it.pop("movement_vi")
    old_shape = hashlib.sha256(json.dumps(d, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
    assert fingerprint(r0) == r0.fingerprint == old_shape
    publish_report(province_officer, pm, province, 2017, 2020, today=dt.date(2021, 1, 5))
    assert not review_report(province_officer, pm, province, 2017, 2020).draft

    cm = movement(commune_officer, my_commune, parent=pm, decision_no="15/KH-UBND", start_year=2018, end_year=2020)
    v = villages(my_commune, 1)[0]
    cp = actions.add_participant(commune_officer, cm, unit=v)
    actions.report_activity(commune_officer, cm, cp, kind="communication", title="Phát thanh 17/10",
                            date=dt.date(2019, 10, 17), quantity=12, unit_of_measure="buổi phát thanh")
    actions.report_activity(commune_officer, cm, cp, kind="exemplary", title="Hộ vượt khó", date=dt.date(2019, 12, 1),
                            story="Thoát nghèo nhờ nuôi bò.")

    r = review_report(province_officer, pm, province, 2017, 2020)
    g = {x.kind: x for x in r.activities}
    assert g["communication"].count == 2
    assert set(g["communication"].totals_vi) == {"10 cụm pano", "12 buổi phát thanh"}
    label = f"phong trào 15/KH-UBND của {my_commune.full_name}"
    mine = [it for it in g["communication"].items if it.title == "Phát thanh 17/10"]
    assert len(mine) == 1 and mine[0].movement_vi == label
    assert [it.title for it in r.best.exemplary] == ["Hộ vượt khó"] and r.best.exemplary[0].movement_vi == label
    text = "\n".join(b.text for b in blocks(r))
    assert f"Phát thanh 17/10 – {v.name}" in text or "Phát thanh 17/10 – " in text
    assert f"[{label}]" in text and f"{label}: 2" in text
    # the figures changed since the publication: a draft of version 2
    assert r.draft and r.version == 2 and "Số liệu đã thay đổi sau khi công bố bản số 1" in r.status.draft_vi

    # the commune's own part of the province's report counts its movement's activities; another
    # commune's part does not
    rc = review_report(province_officer, pm, my_commune, 2017, 2020)
    assert {x.kind: x for x in rc.activities}["communication"].totals_vi == ["12 buổi phát thanh"]
    other = my_commune.parent.children.filter(level="commune").exclude(pk=my_commune.pk).first() \
        if hasattr(my_commune.parent, "children") else None
    if other is not None:
        ro = review_report(province_officer, pm, other, 2017, 2020)
        assert all(it.movement_vi == "" for x in ro.activities for it in x.items)
    # the quantities are summed from the records, not typed
    assert sum(Decimal(t.split()[0]) for t in g["communication"].totals_vi) == Decimal(22)
