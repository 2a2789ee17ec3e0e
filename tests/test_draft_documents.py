"""Documents printed before the chairman recognises the year's results carry DỰ THẢO, and each
document cites the legal basis of its own year's standard."""
import pytest
from django.urls import reverse

from chungtay.core.standards import standard_for_year
from chungtay.households import actions
from chungtay.households.models import Assessment, Household
from chungtay.reports.readback import pdf_text, xlsx_rows
from chungtay.reviews.models import ReviewRound

NEW = 2026


@pytest.fixture
def poor_2026(commune_officer, my_commune):
    hh = Household.objects.filter(commune=my_commune, assessments__year=2025).order_by("id").first()
    deprived = list(standard_for_year(NEW).indicator_codes[:3])
    actions.record_assessment(commune_officer, hh, year=NEW, income=500_000, deprived=deprived)
    return hh


def _cells(content):
    return " ".join(str(v) for r in xlsx_rows(content) for v in r if v)


def _get(client, name, pk, year, **extra):
    q = "&".join(f"{k}={v}" for k, v in extra.items())
    r = client.get(reverse(f"reports:{name}", args=[pk]) + f"?year={year}" + (f"&{q}" if q else ""))
    assert r.status_code == 200, (name, r.status_code)
    return r.content


def test_it_marks_every_document_of_an_unrecognised_year_as_draft(poor_2026, as_commune_officer, my_commune):
    c = as_commune_officer
    posting = pdf_text(_get(c, "posting_list_pdf", my_commune.pk, NEW))
    assert "DỰ THẢO" in posting and "đã rà soát 1/" in posting
    assert "DỰ THẢO" in _cells(_get(c, "posting_list_xlsx", my_commune.pk, NEW))
    assert "DỰ THẢO" in _cells(_get(c, "summary_xlsx", my_commune.pk, NEW))
    assert "DỰ THẢO" in pdf_text(_get(c, "certificate_pdf", poor_2026.pk, NEW))


def test_it_drops_the_mark_once_the_chairman_recognises(poor_2026, as_commune_officer, my_commune):
    ReviewRound.objects.create(commune=my_commune, province=my_commune.parent, year=NEW, state="recognised",
                               decision_no="12/QĐ-UBND")
    c = as_commune_officer
    assert "DỰ THẢO" not in pdf_text(_get(c, "posting_list_pdf", my_commune.pk, NEW))
    assert "DỰ THẢO" not in _cells(_get(c, "posting_list_xlsx", my_commune.pk, NEW))
    assert "DỰ THẢO" not in pdf_text(_get(c, "certificate_pdf", poor_2026.pk, NEW))


def test_recognised_loaded_years_print_without_the_mark(as_commune_officer, my_commune):
    c = as_commune_officer
    assert "DỰ THẢO" not in pdf_text(_get(c, "posting_list_pdf", my_commune.pk, 2025))
    assert "DỰ THẢO" not in _cells(_get(c, "summary_xlsx", my_commune.pk, 2025))


def _poor_in(commune, year):
    return Assessment.objects.filter(commune=commune, year=year, kind="periodic", is_current=True,
                                     category="poor").order_by("id").first().household_id


def test_each_document_cites_its_own_years_legal_basis(as_commune_officer, my_commune):
    c = as_commune_officer
    y2021 = " ".join(pdf_text(_get(c, "certificate_pdf", _poor_in(my_commune, 2021), 2021)).split())
    assert "Quyết định 59/2015/QĐ-TTg" in y2021 and "Nghị định 07/2021/NĐ-CP, Điều 2" in y2021
    y2022 = " ".join(pdf_text(_get(c, "posting_list_pdf", my_commune.pk, 2022)).split())
    assert "Nghị định 07/2021/NĐ-CP" in y2022
    assert "59/2015" not in y2022 and "351/2025" not in y2022 and "30/2025" not in y2022
    y2025 = _cells(_get(c, "summary_xlsx", my_commune.pk, 2025))
    assert "Nghị định 30/2025/NĐ-CP" in y2025 and "351/2025" not in y2025


def test_a_2026_document_cites_decree_351(poor_2026, as_commune_officer, my_commune):
    text = " ".join(pdf_text(_get(as_commune_officer, "certificate_pdf", poor_2026.pk, NEW)).split())
    assert "Nghị định 351/2025/NĐ-CP" in text
