"""The survey form is pre-filled from the household's previous answers (this round's result if
already recorded, else last year's), so the officer changes only what changed; deprivations
carry over only under the same standard, otherwise only the income, and the form says so."""
import re

import pytest
from django.urls import reverse

from chungtay.core.fmt import number
from chungtay.core.standards import get_standard, standard_for_year
from chungtay.households import actions as hh_actions
from chungtay.households.models import Assessment
from chungtay.reviews import actions
from chungtay.web.prefill import prefill

YEAR = 2026          # judged by the 2021-2025 standard, like 2025


@pytest.fixture
def rnd(commune_officer, my_commune):
    rnd = actions.open_round(commune_officer, my_commune, YEAR)
    actions.start_survey(commune_officer, rnd)
    return rnd


def _entry_with_deprivations(rnd):
    for rh in rnd.members.select_related("household").order_by("id"):
        last = rh.household.assessments.get(year=YEAR - 1, kind="periodic", is_current=True)
        if last.basis == "income" and last.deprivation_count:
            return rh, last
    raise AssertionError("no listed household measured by income with deprivations")


def _checked(html):
    return set(re.findall(r'<input type="checkbox" name="ind_\w+" data-code="(\w+)" checked>', html))


def test_it_prefills_the_round_survey_from_last_year(as_commune_officer, rnd):
    rh, last = _entry_with_deprivations(rnd)
    r = as_commune_officer.get(reverse("round_survey", args=[rnd.pk, rh.household_id]))
    html = r.content.decode()
    assert "Điền sẵn từ kết quả năm 2025 – chỉ sửa những gì đã thay đổi" in html
    assert f'name="value" value="{number(last.income)}"' in html
    assert _checked(html) == set(last.deprived_codes(get_standard(last.standard))) != set()


def test_saving_the_prefilled_form_unchanged_keeps_the_same_answers(as_commune_officer, rnd):
    rh, last = _entry_with_deprivations(rnd)
    url = reverse("round_survey", args=[rnd.pk, rh.household_id])
    form = as_commune_officer.get(url).context["form"]
    data = {"basis": form.initial["basis"], "value": form.initial["value"], "reason": ""}
    data.update({k: "on" for k, v in form.initial.items() if k.startswith("ind_") and v})
    r = as_commune_officer.post(url, data)
    assert r.status_code == 302
    new = rh.household.assessments.get(year=YEAR, kind="periodic", is_current=True)
    assert new.income == last.income
    std = standard_for_year(YEAR)
    assert new.deprived_codes(std) == last.deprived_codes(std)


def test_a_second_survey_in_the_round_starts_from_this_rounds_result(commune_officer, as_commune_officer, rnd):
    rh, _ = _entry_with_deprivations(rnd)
    actions.record_survey(commune_officer, rnd, rh.household, income=1_234_000, deprived=["telecom"])
    html = as_commune_officer.get(reverse("round_survey", args=[rnd.pk, rh.household_id])).content.decode()
    assert "Điền sẵn từ kết quả đã ghi của đợt này" in html
    assert 'name="value" value="1.234.000"' in html
    assert _checked(html) == {"telecom"}


def test_when_the_standard_changed_only_the_income_is_prefilled(as_commune_officer, my_commune):
    a = Assessment.objects.filter(commune=my_commune, year=2025, kind="periodic", is_current=True, basis="income",
                                  deprivation_count__gt=0, household__status="active").order_by("id").first()
    r = as_commune_officer.get(reverse("assessment_new", args=[a.household_id]), {"year": 2027})
    html = r.content.decode()
    assert standard_for_year(2027).code != a.standard
    assert "Điền sẵn thu nhập từ kết quả năm 2025" in html and "chuẩn nghèo đã đổi" in html
    assert f'name="value" value="{number(a.income)}"' in html
    assert _checked(html) == set()


def test_the_household_form_prefills_from_the_latest_result(as_commune_officer, my_commune):
    a = Assessment.objects.filter(commune=my_commune, year=2025, kind="periodic", is_current=True, basis="income",
                                  deprivation_count__gt=0, household__status="active").order_by("id").first()
    html = as_commune_officer.get(reverse("assessment_new", args=[a.household_id]), {"year": 2026}).content.decode()
    assert "Điền sẵn từ kết quả năm 2025" in html
    assert _checked(html) == set(a.deprived_codes(get_standard(a.standard)))


def test_a_score_a_of_another_standard_is_not_carried_over(commune_officer, my_commune):
    hh = Assessment.objects.filter(commune=my_commune, year=2025, is_current=True).first().household
    hh_actions.record_assessment(commune_officer, hh, year=2025, score_a=55.5, kind="regular")
    p = prefill(hh, 2027, standard_for_year(2027))
    assert p.initial == {} and p.partial and "điểm A" in p.note_vi
    same = prefill(hh, 2026, standard_for_year(2026), kind="regular")
    assert same.initial["basis"] == "score_a" and same.initial["value"] == "55,5"


def test_a_household_without_any_result_gets_an_empty_form(commune_officer, my_commune):
    from chungtay.units.models import Unit
    v = Unit.objects.filter(parent=my_commune, level="village").first()
    hh = hh_actions.create_household(commune_officer, code="PF-1", village=v,
                                     head={"full_name": "Nguyễn Văn Mới", "sex": "M", "birth_year": 1980,
                                           "ethnicity": "Kinh"})
    p = prefill(hh, 2026, standard_for_year(2026))
    assert p.initial == {} and p.source is None and p.note_vi == ""
