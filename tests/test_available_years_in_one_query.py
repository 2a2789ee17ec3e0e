"""The years offered by every page's year menu: those with results in the user's area, newest
first, found in one query (every dashboard, list and drill-down asks for them)."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chungtay.households.models import YearSummary
from chungtay.households.stats import available_years


def _distinct(user) -> list[int]:
    return sorted(set(YearSummary.objects.for_user(user).values_list("year", flat=True)), reverse=True)


def test_it_lists_the_years_of_the_users_area_newest_first(admin_user, province_officer, commune_officer,
                                                            village_head):
    for user in (admin_user, province_officer, commune_officer, village_head):
        with CaptureQueriesContext(connection) as queries:
            years = available_years(user)
        assert years == _distinct(user) and len(years) >= 2, user.username
        summaries = [q["sql"] for q in queries if YearSummary._meta.db_table in q["sql"]]
        assert len(summaries) == 1, summaries          # (the others: the user's area, once per user)


def test_a_new_year_shows_only_where_it_was_recorded(commune_officer, other_commune_officer, one_surveyed):
    assert 2026 in available_years(commune_officer)
    assert 2026 not in available_years(other_commune_officer)
    assert available_years(other_commune_officer) == _distinct(other_commune_officer)
