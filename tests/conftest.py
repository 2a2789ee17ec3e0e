"""Shared fixtures: a small synthetic demo world loaded once per test database, and the
personas of the demo (national admin, province officer, two commune officers, the commune
chairman, village head)."""
import pytest

WORLD_HOUSEHOLDS = 2500


def pytest_configure(config):
    """One id for the run, inherited by the workers: their shared templates (tests/installations.py)."""
    if not hasattr(config, "workerinput"):
        from tests.installations import run_id
        run_id()


def pytest_sessionfinish(session):
    """The controller (or a run without workers) removes the run's shared installation templates."""
    if not hasattr(session.config, "workerinput"):
        from tests.installations import drop_shared_templates
        drop_shared_templates()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from chungtay.households.demo import setup_demo
        setup_demo(households=WORLD_HOUSEHOLDS, log=lambda m: None, movement=False)
        from django.db import connection
        if connection.vendor == "postgresql":     # the planner's statistics of the loaded world
            with connection.cursor() as c:
                c.execute("ANALYZE")


def _user(name):
    from django.contrib.auth import get_user_model
    return get_user_model().objects.get(username=name)


@pytest.fixture
def admin_user(db):
    return _user("admin")


@pytest.fixture
def province_officer(db):
    return _user("tinh")


@pytest.fixture
def commune_officer(db):
    return _user("xa")


@pytest.fixture
def other_commune_officer(db):
    return _user("xa2")


@pytest.fixture
def village_head(db):
    return _user("thon")


@pytest.fixture
def commune_chairman(db):
    """Chủ tịch UBND xã of the same commune as ``commune_officer``: recognises and locks."""
    return _user("chutich")


def _unit_of(user):
    return user.assignments.get().unit


@pytest.fixture
def my_commune(commune_officer):
    return _unit_of(commune_officer)


@pytest.fixture
def other_commune(other_commune_officer):
    return _unit_of(other_commune_officer)


@pytest.fixture
def as_commune_officer(client, commune_officer):
    client.force_login(commune_officer)
    return client


@pytest.fixture
def as_province_officer(client, province_officer):
    client.force_login(province_officer)
    return client


@pytest.fixture
def one_surveyed(commune_officer, my_commune):
    """A provisional year: the commune's 2026 round open and one household surveyed (tests/provisional_helpers)."""
    from tests.provisional_helpers import survey_one
    return survey_one(commune_officer, my_commune)
