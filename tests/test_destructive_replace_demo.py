"""`chungtay generate --load --replace` deletes only the demo population, and only when the
operator confirms, names the actor (audited with the counts) and, in production mode, passes
--allow-production."""
import pytest

from chungtay.accounts.models import AuditEvent
from chungtay.cli import main
from chungtay.households import actions
from chungtay.households.models import Assessment, Household
from chungtay.units.models import Unit

REPLACE = ["generate", "--households", "300", "--years", "2025", "--load", "--replace"]


@pytest.fixture
def registered(commune_officer, my_commune):
    village = Unit.objects.filter(parent=my_commune, level=Unit.VILLAGE).order_by("code").first()
    hh = actions.create_household(commune_officer, code="KEEP-0001", village=village,
                                  head={"full_name": "Người Đăng Ký", "sex": "F", "birth_year": 1980, "ethnicity": "Kinh"})
    actions.record_assessment(commune_officer, hh, year=2026, income=900_000, deprived=[])
    return hh


@pytest.mark.django_db
def test_it_refuses_without_an_actor(capsys):
    n = Household.objects.count()
    assert main(REPLACE + ["--yes"]) == 2
    assert "--actor" in capsys.readouterr().err
    assert Household.objects.count() == n


@pytest.mark.django_db
def test_it_refuses_an_unknown_actor(capsys):
    n = Household.objects.count()
    assert main(REPLACE + ["--yes", "--actor", "nobody-here"]) == 2
    assert Household.objects.count() == n


@pytest.mark.django_db
def test_it_asks_and_does_nothing_without_yes(monkeypatch, capsys, commune_officer):
    n = Household.objects.count()
    monkeypatch.setattr("builtins.input", lambda prompt="": "no")
    assert main(REPLACE + ["--actor", "xa"]) == 2
    err = capsys.readouterr().err
    assert "demo households" in err and "not confirmed" in err
    assert Household.objects.count() == n


@pytest.mark.django_db
def test_it_refuses_in_production_without_the_flag(monkeypatch, capsys, commune_officer):
    n = Household.objects.count()
    monkeypatch.setenv("CHUNGTAY_ENV", "production")
    assert main(REPLACE + ["--yes", "--actor", "xa"]) == 2
    assert "--allow-production" in capsys.readouterr().err
    assert Household.objects.count() == n


@pytest.mark.django_db
def test_it_replaces_only_the_demo_population_and_audits_the_actor(monkeypatch, commune_officer, registered):
    demo_before = Household.objects.filter(source="demo").count()
    monkeypatch.setattr("builtins.input", lambda prompt="": "yes")
    assert main(REPLACE + ["--actor", "xa"]) == 0
    assert Household.objects.filter(pk=registered.pk).exists()                       # kept, with its result
    assert Assessment.objects.filter(household=registered, year=2026).count() == 1
    assert Household.objects.filter(source="demo").count() == 300
    assert list(Household.objects.exclude(source="demo").values_list("pk", flat=True)) == [registered.pk]
    ev = AuditEvent.objects.filter(action="demo.load").order_by("-id").first()
    assert ev.actor == commune_officer
    assert ev.changes["replaced"]["households"] == demo_before and ev.changes["households"] == 300
