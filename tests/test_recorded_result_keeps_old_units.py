"""A recorded result carries its village's units of both hierarchies (the old district's figures
are summed from them): the 2025 commune and province, and the pre-2025 commune, district and province."""
from chungtay.households import actions
from chungtay.households.models import Household


def test_the_result_names_every_unit_of_its_village(commune_officer, my_commune):
    hh = (Household.objects.filter(commune=my_commune, status="active", village__legacy_parent__isnull=False)
          .select_related("village__legacy_parent__parent").order_by("id").first())
    old_commune = hh.village.legacy_parent
    a = actions.record_assessment(commune_officer, hh, year=2026, income=900_000, deprived=["employment"],
                                  _round_ok=True)
    a.refresh_from_db()
    assert (a.village_id, a.commune_id, a.province_id) == (hh.village_id, hh.commune_id, hh.province_id)
    assert a.legacy_commune_id == old_commune.pk
    assert a.district_id == old_commune.parent_id is not None
    assert a.legacy_province_id == old_commune.parent.parent_id is not None
