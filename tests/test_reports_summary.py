"""Summary report forms by unit (Excel): a commune by village, a province by commune. The
province's total row equals the sum of its communes' reports cell by cell; rates come from
summed counts, never from averaging."""
import pytest
from django.urls import reverse

from chungtay.households.movements import unit_movements
from chungtay.households.stats import unit_report
from chungtay.reports import data
from chungtay.reports.readback import xlsx_rows
from chungtay.reports.xlsx import TOTAL_LABEL, summary_columns
from chungtay.units.models import Unit

YEAR = 2025


def _fetch(client, unit, year=YEAR):
    r = client.get(reverse("reports:summary_xlsx", args=[unit.pk]) + f"?year={year}")
    assert r.status_code == 200, (unit, r.status_code)
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return r


def _table(content):
    """(header row of column heads, child rows, total row) read back with openpyxl."""
    rows = xlsx_rows(content)
    top = next(i for i, r in enumerate(rows) if r[0] == "TT")
    total_at = next(i for i, r in enumerate(rows) if r[1] == TOTAL_LABEL)
    heads = [rows[top + 1][i] or rows[top][i] for i in range(len(rows[top]))]
    return rows, heads, rows[top + 3:total_at], rows[total_at]


def _columns(user, unit):
    return summary_columns(data.summary(user, unit, YEAR))


def test_commune_report_layout_and_figures(as_commune_officer, commune_officer, my_commune):
    r = _fetch(as_commune_officer, my_commune)
    disp = r["Content-Disposition"]
    assert disp.startswith('attachment; filename="bieu-tong-hop-ket-qua-ra-soat-') and disp.isascii()
    rows, heads, children, total = _table(r.content)
    assert rows[0][0] == "ỦY BAN NHÂN DÂN" and rows[1][0] == my_commune.full_name.upper()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in rows[0]
    heading = [v for r in rows[:8] for v in r if isinstance(v, str)]
    assert f"BIỂU TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {YEAR}" in heading
    assert f"Đơn vị báo cáo: {my_commune.full_name}, tỉnh {my_commune.parent.name}" in heading
    cols = _columns(commune_officer, my_commune)
    assert heads == [c.head for c in cols]
    # One column per indicator of the year's standard, by its Vietnamese name.
    report = unit_report(commune_officer, my_commune, YEAR)
    assert heads[-len(report.standard.indicators):] == [i.name_vi for i in report.standard.indicators]
    # One row per village of the commune.
    assert len(children) == Unit.objects.filter(parent=my_commune, level=Unit.VILLAGE).count()
    f = report.total
    idx = {c.key: i for i, c in enumerate(cols)}
    assert total[idx["total"]] == f.total and total[idx["poor"]] == f.poor
    assert total[idx["near_poor"]] == f.near_poor and total[idx["em_poor"]] == f.em_poor
    assert total[idx["poverty_rate"]] == pytest.approx(100 * f.poor / f.total)
    assert [total[idx[f"dep_{i}"]] for i in range(1, len(f.deprived) + 1)] == f.deprived
    mr = unit_movements(commune_officer, my_commune, YEAR - 1, YEAR)
    assert total[idx["escaped_total"]] == mr.counts["escaped_poverty"] + mr.counts["poor_to_near_poor"]
    assert total[idx["poor_to_near_poor"]] == mr.counts["poor_to_near_poor"]
    assert total[idx["newly_poor"]] == mr.counts["newly_poor"]
    assert total[idx["re_poor"]] == mr.counts["re_poor"]
    # The total row is the sum of the village rows.
    for c in cols:
        if c.kind == "count":
            assert total[idx[c.key]] == sum(r[idx[c.key]] for r in children), c.key


def test_province_total_is_the_sum_of_its_communes_reports(as_province_officer, province_officer, my_commune):
    province = my_commune.parent
    cols = _columns(province_officer, province)
    idx = {c.key: i for i, c in enumerate(cols)}
    _, heads, commune_rows, p_total = _table(_fetch(as_province_officer, province).content)
    assert heads == [c.head for c in cols]
    communes = list(Unit.objects.filter(parent=province, system=Unit.SYSTEM_2025, level=Unit.COMMUNE))
    assert len(commune_rows) == len(communes)
    by_label = {r[1]: r for r in commune_rows}
    summed = {c.key: 0 for c in cols if c.kind == "count"}
    rates = []
    for commune in communes:
        _, c_heads, _, c_total = _table(_fetch(as_province_officer, commune).content)
        assert c_heads[2:] == heads[2:]
        row = by_label[commune.full_name]
        for c in cols[2:]:
            # The commune's line in the province report is the commune report's total row.
            assert row[idx[c.key]] == c_total[idx[c.key]], (commune.name, c.key)
            if c.kind == "count":
                summed[c.key] += c_total[idx[c.key]]
        if c_total[idx["poverty_rate"]] is not None:
            rates.append(c_total[idx["poverty_rate"]])
    assert summed["total"] > 1000 and summed["poor"] > 0 and summed["escaped_total"] > 0
    for c in cols[2:]:
        got = p_total[idx[c.key]]
        if c.kind == "count":
            assert got == summed[c.key], c.key
        else:
            assert got == pytest.approx(100 * summed[c.num] / summed[c.den]), c.key
    # Averaging the communes' rates would give another figure: the test tells them apart.
    assert abs(sum(rates) / len(rates) - p_total[idx["poverty_rate"]]) > 0.01


def test_first_year_has_no_movements(as_commune_officer, commune_officer, my_commune):
    first = 2016
    rows, heads, children, total = _table(_fetch(as_commune_officer, my_commune, first).content)
    cols = summary_columns(data.summary(commune_officer, my_commune, first))
    idx = {c.key: i for i, c in enumerate(cols)}
    assert total[idx["poor"]] > 0
    assert all(total[idx[k]] is None for k in ("escaped_total", "newly_poor", "re_poor"))
    assert any(isinstance(r[0], str) and f"Không có kết quả rà soát năm {first - 1}" in r[0] for r in rows)
    # 2016 uses the 2016–2020 standard: its ten indicators.
    assert len([c for c in cols if c.key.startswith("dep_")]) == 10


@pytest.mark.parametrize("which", ["village", "pre-2025 commune"])
def test_summary_only_for_communes_and_provinces(as_province_officer, my_commune, which):
    unit = (Unit.objects.filter(parent=my_commune, level=Unit.VILLAGE).first() if which == "village" else
            Unit.objects.filter(system=Unit.SYSTEM_LEGACY, level=Unit.COMMUNE,
                                legacy_children__parent=my_commune).first())
    r = as_province_officer.get(reverse("reports:summary_xlsx", args=[unit.pk]) + f"?year={YEAR}")
    assert r.status_code == 404
