"""Writes go through actions: they check the area, never overwrite a result, and audit."""
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chungtay.accounts.models import AuditEvent
from chungtay.households import actions
from chungtay.households.models import Assessment, Household
from chungtay.units.models import Unit

HEAD = {"full_name": "Nguyễn Văn An", "sex": "M", "birth_year": 1980, "ethnicity": "Kinh",
        "citizen_id": "062080123456"}


@pytest.fixture
def village(my_commune):
    return Unit.objects.filter(parent=my_commune, level=Unit.VILLAGE).order_by("code").first()


@pytest.fixture
def household(commune_officer, village):
    return actions.create_household(commune_officer, code="T-0001", village=village, address="Thôn test",
                                    head=HEAD)


def test_create_household_records_who_and_what(commune_officer, household):
    ev = AuditEvent.objects.get(action="household.create", object_id=str(household.pk))
    assert ev.actor == commune_officer and ev.changes["code"] == "T-0001"
    assert household.head_name == "Nguyễn Văn An" and not household.ethnic_minority
    assert household.commune == household.village.parent and household.province.code == "51"


def test_audit_and_logs_never_hold_the_citizen_id(commune_officer, village, caplog):
    with caplog.at_level(logging.DEBUG):
        hh = actions.create_household(commune_officer, code="T-0002", village=village, head=HEAD)
        actions.add_member(commune_officer, hh, {"full_name": "Nguyễn Thị Bình", "sex": "F", "birth_year": 2005,
                                                 "ethnicity": "Kinh", "relation": "child",
                                                 "citizen_id": "062305000111"})
    dump = " ".join(str(e.changes) for e in AuditEvent.objects.filter(object_id=str(hh.pk)))
    assert "062080123456" not in dump and "062305000111" not in dump
    assert "062080123456" not in caplog.text
    m = hh.members.get(member_no=1)
    assert "062080123456" not in m.citizen_id_encrypted
    assert m.citizen_id_masked == "•••••••••456"


def test_ethnic_minority_follows_the_head(commune_officer, village):
    hh = actions.create_household(commune_officer, code="T-0003", village=village,
                                  head={**HEAD, "ethnicity": "Xơ Đăng", "citizen_id": ""})
    assert hh.ethnic_minority
    actions.add_member(commune_officer, hh, {"full_name": "Y Hoa", "sex": "F", "birth_year": 1982,
                                             "ethnicity": "Kinh", "relation": "spouse"})
    hh.refresh_from_db()
    assert hh.ethnic_minority  # the spouse does not change it: the rule is the head's ethnicity


def test_a_bad_citizen_id_is_refused_in_vietnamese(commune_officer, village):
    with pytest.raises(ValidationError, match="12 chữ số"):
        actions.create_household(commune_officer, code="T-0004", village=village, head={**HEAD, "citizen_id": "123"})
    with pytest.raises(ValidationError, match="năm sinh"):
        actions.create_household(commune_officer, code="T-0004", village=village,
                                 head={**HEAD, "citizen_id": "062090123456"})
    assert not Household.objects.filter(code="T-0004").exists()


def test_recording_twice_keeps_both_versions(commune_officer, household):
    # 2026: a year without a review round yet, the only years the household page writes periodic results for
    a1 = actions.record_assessment(commune_officer, household, year=2026, income=1_200_000,
                                   deprived=["employment", "nutrition", "latrine"])
    a2 = actions.record_assessment(commune_officer, household, year=2026, income=1_200_000,
                                   deprived=["employment"], reason="phúc tra")
    a1.refresh_from_db()
    assert (a1.category, a1.version, a1.is_current) == ("poor", 1, False)
    assert (a2.category, a2.version, a2.is_current) == ("near_poor", 2, True)
    assert a2.explanation_vi.startswith("Hộ cận nghèo: thu nhập 1.200.000 đ ≤ chuẩn nghèo 1.500.000 đ")
    assert a2.recorded_by == commune_officer and a2.standard == "2021-2025"
    assert AuditEvent.objects.filter(action="assessment.record", object_id=str(household.pk)).count() == 2


def test_score_a_is_recorded_as_such(commune_officer, household):
    a = actions.record_assessment(commune_officer, household, year=2026, score_a=130,
                                  deprived=["employment", "nutrition", "latrine"])
    assert (a.basis, a.score_a, a.income, a.category) == ("score_a", 130, None, "poor")


def test_missing_income_and_score_is_refused(commune_officer, household):
    with pytest.raises(ValidationError):
        actions.record_assessment(commune_officer, household, year=2024, deprived=[])
    assert not Assessment.objects.filter(household=household).exists()


def test_other_commune_officer_cannot_write(other_commune_officer, household):
    with pytest.raises(PermissionDenied):
        actions.record_assessment(other_commune_officer, household, year=2024, income=1)
    with pytest.raises(PermissionDenied):
        actions.add_member(other_commune_officer, household, {"full_name": "X", "sex": "M", "birth_year": 1990,
                                                              "relation": "child"})


def test_assessment_form_page_records_and_explains(as_commune_officer, household):
    from django.urls import reverse
    r = as_commune_officer.post(reverse("assessment_new", args=[household.pk]) + "?year=2026", {
        "year": 2026, "basis": "income", "value": 1_400_000, "ind_employment": "on", "ind_nutrition": "on",
        "ind_latrine": "on"}, follow=True)
    assert r.status_code == 200
    assert "Hộ nghèo: thu nhập 1.400.000 đ" in r.content.decode()
    assert household.assessments.get(year=2026).category == "poor"
