"""The programme results report (Biểu 02) opens on the newest year whose figures are final: after
one household is surveyed in the open 2026 round, the default report is 2025 without the DỰ THẢO
mark; 2026, asked for, is a draft with the coverage."""
from django.urls import reverse

from tests.provisional_helpers import NEW


def test_the_default_report_is_the_final_year(one_surveyed, as_commune_officer, my_commune):
    r = as_commune_officer.get(reverse("support:report"), {"unit": my_commune.pk})
    assert (r.context["first"], r.context["last"]) == (2025, 2025)
    assert "DỰ THẢO" not in r.content.decode()
    x = as_commune_officer.get(reverse("support:report_xlsx"), {"unit": my_commune.pk})
    assert x["Content-Disposition"].endswith('-2025.xlsx"')


def test_the_provisional_year_asked_for_is_a_draft(one_surveyed, as_commune_officer, my_commune):
    html = as_commune_officer.get(reverse("support:report"), {"unit": my_commune.pk, "from": NEW, "to": NEW}) \
        .content.decode()
    assert "DỰ THẢO" in html and "đã rà soát 1/" in html
