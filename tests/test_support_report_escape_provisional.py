"""Biểu 02 of a final year does not count a provisional next year's results in its "escaped"
columns (issue 7 §5): a household poor in 2024 and 2025, supported in 2025 and surveyed not poor
in the open 2026 round, is "not yet decided" in the 2025 report — with a note naming the 2026
review and its coverage on the page, in the workbook and in the PDF — until the 2026 round is
recognised; a draft period that includes 2026 counts it (the report is a DỰ THẢO)."""
import datetime as dt

import pytest
from django.urls import reverse

from chungtay.households.completeness import exists_in
from chungtay.households.models import Assessment, Household
from chungtay.reports.readback import pdf_text, xlsx_rows
from chungtay.reviews import actions as r_actions
from chungtay.reviews.models import ReviewRound
from chungtay.support import actions
from chungtay.support.report import programme_results
from tests.support_helpers import facts

YEAR, NEW = 2025, 2026


@pytest.fixture
def escaped_in_new(commune_officer, my_commune):
    """A household poor in 2024 and 2025, supported in 2025, surveyed not poor in the open 2026 round."""
    poor = set(Assessment.objects.filter(commune=my_commune, year=YEAR - 1, kind="periodic", is_current=True,
                                         category="poor").values_list("household_id", flat=True))
    poor &= set(Assessment.objects.filter(commune=my_commune, year=YEAR, kind="periodic", is_current=True,
                                          category="poor").values_list("household_id", flat=True))
    rnd = r_actions.open_round(commune_officer, my_commune, NEW)
    members = set(rnd.members.values_list("household_id", flat=True))
    hh = Household.objects.filter(pk__in=poor & members, status="active").order_by("id").first()
    assert hh is not None, "a household poor in 2024 and 2025 in the round"
    actions.record_support(commune_officer, hh, facts(hh, date=dt.date(YEAR, 5, 10)))
    r_actions.start_survey(commune_officer, rnd)
    r_actions.record_survey(commune_officer, rnd, hh, income=9_000_000)
    a = Assessment.objects.get(household=hh, year=NEW, kind="periodic", is_current=True)
    assert a.category != "poor"
    return hh


def _get(client, name, **q):
    return client.get(reverse(f"support:{name}"), q)


def test_the_final_years_report_leaves_the_provisional_year_out(escaped_in_new, commune_officer, my_commune):
    r = programme_results(commune_officer, my_commune, YEAR, YEAR)
    assert not r.draft
    assert (r.total.escaped, r.total.pending) == (0, 1), "not counted as escaped: 2026 is not recognised"
    assert r.not_counted is not None and r.not_counted.year == NEW and r.not_counted.reviewed == 1
    expected = Household.objects.filter(exists_in(NEW), commune=my_commune).count()
    assert f"đã rà soát 1/{expected:,} hộ".replace(",", ".") in r.escape_note_vi
    assert "1 of " in r.escape_note_en


def test_the_page_and_files_say_so(escaped_in_new, as_commune_officer, my_commune):
    q = {"unit": my_commune.pk, "from": YEAR, "to": YEAR}
    html = _get(as_commune_officer, "report", **q).content.decode()
    assert "DỰ THẢO" not in html and "chưa tính kết quả rà soát năm 2026" in html and "đã rà soát 1/" in html
    cells = [str(v) for row in xlsx_rows(_get(as_commune_officer, "report_xlsx", **q).content) for v in row if v]
    assert any("chưa tính kết quả rà soát năm 2026" in c and "đã rà soát 1/" in c for c in cells)
    text = " ".join(pdf_text(_get(as_commune_officer, "report_pdf", **q).content).split())
    assert "chưa tính kết quả rà soát năm 2026" in text and "DỰ THẢO" not in text


def test_recognition_counts_it(escaped_in_new, commune_officer, my_commune):
    ReviewRound.objects.filter(commune=my_commune, year=NEW).update(state="recognised")
    r = programme_results(commune_officer, my_commune, YEAR, YEAR)
    assert (r.total.escaped, r.total.pending) == (1, 0) and r.not_counted is None and r.escape_note_vi == ""


def test_a_draft_period_including_the_year_counts_it(escaped_in_new, commune_officer, my_commune):
    r = programme_results(commune_officer, my_commune, YEAR, NEW)
    assert r.draft and "đã rà soát 1/" in r.status.draft_vi
    assert r.total.escaped == 1 and r.not_counted is None
