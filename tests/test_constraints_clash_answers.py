"""A save that clashes with another is retried in a fresh transaction, then answered with a
clear "try again" that keeps what was typed; a household code in use gets the same answer
whether it is used inside or outside the user's area."""
import contextlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError
from django.urls import reverse

from chungtay.households import actions
from chungtay.households.models import Household
from chungtay.units.models import Unit


class _NoTransaction:
    class _Conn:
        in_atomic_block = False

    def get_connection(self):
        return self._Conn()

    def atomic(self):
        return contextlib.nullcontext()


@pytest.fixture
def outside_transaction(monkeypatch):
    monkeypatch.setattr(actions, "transaction", _NoTransaction())
    monkeypatch.setattr(actions.time, "sleep", lambda s: None)


def test_it_retries_a_clash_and_then_succeeds(outside_transaction):
    calls = []

    @actions.retry_on_clash
    def save():
        calls.append(1)
        if len(calls) < 3:
            raise IntegrityError("duplicate key value violates unique constraint \"assessment_version\"")
        return "saved"
    assert save() == "saved" and len(calls) == 3


def test_it_answers_try_again_after_repeated_clashes(outside_transaction):
    calls = []

    @actions.retry_on_clash
    def save():
        calls.append(1)
        raise OperationalError("database is locked")
    with pytest.raises(actions.ConcurrentWrite) as e:
        save()
    assert len(calls) == 4 and "Có người khác vừa lưu cùng lúc, hãy thử lại" in e.value.messages[0]


def test_it_does_not_hide_other_database_errors(outside_transaction):
    @actions.retry_on_clash
    def save():
        raise OperationalError("no such table: households_assessment")
    with pytest.raises(OperationalError):
        save()


@pytest.mark.django_db
def test_the_form_keeps_what_was_typed_after_a_clash(as_commune_officer, my_commune, monkeypatch):
    def clash(*a, **k):
        raise actions.ConcurrentWrite(actions.tr(*actions.CLASH))
    monkeypatch.setattr(actions, "record_assessment", clash)
    hh = Household.objects.filter(commune=my_commune).order_by("id").first()
    r = as_commune_officer.post(reverse("assessment_new", args=[hh.pk]) + "?year=2026", {
        "year": 2026, "kind": "periodic", "basis": "income", "value": 1_234_000, "reason": "ghi chú đã gõ",
        "ind_latrine": "on"})
    page = r.content.decode()
    assert r.status_code == 200 and "Có người khác vừa lưu cùng lúc, hãy thử lại" in page
    assert "ghi chú đã gõ" in page and 'name="ind_latrine" data-code="latrine" checked' in page


@pytest.mark.django_db
def test_a_used_code_gets_the_same_answer_inside_and_outside_the_area(commune_officer, my_commune, other_commune):
    village = Unit.objects.filter(parent=my_commune, level=Unit.VILLAGE).order_by("code").first()
    head = {"full_name": "Nguyễn Văn Thử", "sex": "M", "birth_year": 1980, "ethnicity": "Kinh"}
    answers = []
    for commune in (my_commune, other_commune):
        code = Household.objects.filter(commune=commune).order_by("id").values_list("code", flat=True).first()
        with pytest.raises(ValidationError) as e:
            actions.create_household(commune_officer, code=code, village=village, head=head)
        answers.append(e.value.message_dict["code"][0].replace(code, "<code>"))
    assert answers[0] == answers[1] and "xã khác" not in answers[0]
