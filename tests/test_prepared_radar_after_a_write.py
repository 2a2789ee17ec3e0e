"""After a write, a province's radar and outcomes pages answer at once with the figures they have,
say that they are being recomputed and as of when, and reload themselves; the worker is asked once
and the next read shows the new figures. A worker that does not answer within ``QUEUED_FOR`` seconds
is not waited for, and a download is never stale (support/prepared.py)."""
import datetime as dt

import pytest
from django.utils import timezone

from chungtay.households.models import Household
from chungtay.support import actions
from chungtay.support.models import PreparedAnalysis
from chungtay.support.radar import compute_radar
from tests.support_helpers import facts, run_worker, when_ready
from tests.test_prepared_radar_first_read import _queued


@pytest.fixture
def province(my_commune):
    return my_commune.parent


@pytest.fixture
def unsupported(province_officer, province, my_commune):
    """A household of xa's commune on the province's "no support in two years" list."""
    r = compute_radar(province_officer, province, dt.date.today().year)
    return Household.objects.filter(pk__in=[h for h, *_ in r.unsupported], commune=my_commune).order_by("pk").first()


def _listed(page: str) -> int:
    """The count shown for the "no support in two years" list (its heading's number)."""
    import re
    return int(re.search(r'data-count="unsupported">([\d.,]+)<', page).group(1).replace(".", "").replace(",", ""))


def test_the_radar_shows_what_it_has_then_the_new_figures(client, province_officer, commune_officer, province,
                                                            unsupported, django_capture_on_commit_callbacks):
    client.force_login(province_officer)
    url = f"/support/radar/?unit={province.pk}"
    before = when_ready(client, url).content.decode()
    assert 'id="stale"' not in before
    actions.record_support(commune_officer, unsupported, facts(unsupported, date=dt.date(2025, 3, 1)))
    with django_capture_on_commit_callbacks(execute=True):
        r = client.get(url)
        again = client.get(url)                               # a second read meanwhile: no second task
    page = r.content.decode()
    assert r.status_code == 200 and 'id="stale"' in page and 'http-equiv="refresh" content="3"' in page
    row = PreparedAnalysis.objects.get(kind="radar", unit=province, params__startswith="latest=")
    assert f"{timezone.localtime(row.computed_at):%H:%M %d/%m/%Y}" in page
    assert _listed(page) == _listed(before) and 'id="stale"' in again.content.decode()
    assert _queued() == 1
    assert run_worker() == 1
    after = client.get(url).content.decode()
    assert 'id="stale"' not in after and _listed(after) == _listed(before) - 1


def test_a_worker_that_does_not_answer_is_not_waited_for(client, province_officer, commune_officer, province,
                                                         unsupported, django_capture_on_commit_callbacks):
    client.force_login(province_officer)
    url = f"/support/radar/?unit={province.pk}"
    before = when_ready(client, url).content.decode()
    actions.record_support(commune_officer, unsupported, facts(unsupported, date=dt.date(2025, 3, 1)))
    with django_capture_on_commit_callbacks(execute=True):
        assert 'id="stale"' in client.get(url).content.decode()
    PreparedAnalysis.objects.filter(unit=province).update(asked_at=timezone.now() - dt.timedelta(seconds=61))
    after = client.get(url).content.decode()
    assert 'id="stale"' not in after and _listed(after) == _listed(before) - 1


def test_a_download_and_the_outcomes_after_a_write(client, province_officer, commune_officer, province, unsupported,
                                                   django_capture_on_commit_callbacks):
    client.force_login(province_officer)
    year = dt.date.today().year
    when_ready(client, f"/support/radar/?unit={province.pk}")
    outcomes = f"/support/outcomes/?unit={province.pk}"
    when_ready(client, outcomes)
    actions.record_support(commune_officer, unsupported, facts(unsupported, date=dt.date(2025, 3, 1)))
    csv = client.get(f"/support/radar/?unit={province.pk}&year={year}&format=csv&list=unsupported").content.decode()
    assert unsupported.code not in csv                      # computed in the request: never stale
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(outcomes).content.decode()
    assert 'id="stale"' in page
    run_worker()
    assert 'id="stale"' not in client.get(outcomes).content.decode()
