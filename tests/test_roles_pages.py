"""Pages show only what the user may do (docs/roles.md): the menu, the "new" forms and the
buttons follow the role matrix, not only the area."""
import pytest
from django.urls import reverse

from chungtay.accounts import roles
from chungtay.households.models import Household
from chungtay.plans import actions as plan_actions

IMPORT = reverse("imports:upload")
PLANS = reverse("plans")


def _page(client, user, url):
    client.force_login(user)
    r = client.get(url)
    assert r.status_code == 200, url
    return r.content.decode()


def _nav(html):
    return html.split("<nav>", 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize("who, sees_import, sees_plans", [
    ("commune_officer", True, True),
    ("commune_chairman", False, True),
    ("province_officer", False, True),
    ("admin_user", False, True),
    ("village_head", False, False),
])
def test_it_shows_only_allowed_menu_entries(client, request, who, sees_import, sees_plans):
    nav = _nav(_page(client, request.getfixturevalue(who), reverse("households")))
    assert (f'href="{IMPORT}"' in nav) == sees_import
    assert (f'href="{PLANS}"' in nav) == sees_plans
    assert f'href="{reverse("rounds")}"' in nav and f'href="{reverse("households")}"' in nav
    assert f'href="{reverse("support:ledger")}"' in nav        # every role reads the support of its area


@pytest.mark.parametrize("who, sees_buttons", [("commune_officer", True), ("commune_chairman", False),
                                               ("village_head", False), ("province_officer", False)])
def test_it_hides_data_entry_buttons_on_the_household_page(client, request, village_head, who, sees_buttons):
    hh = Household.objects.filter(village=village_head.assignments.get().unit).order_by("id").first()
    html = _page(client, request.getfixturevalue(who), reverse("household", args=[hh.pk]))
    assert (reverse("assessment_new", args=[hh.pk]) in html) == sees_buttons
    assert (reverse("member_add", args=[hh.pk]) in html) == sees_buttons


@pytest.mark.parametrize("who, sees_form", [("commune_officer", True), ("commune_chairman", False),
                                            ("province_officer", False), ("village_head", False)])
def test_it_offers_opening_a_round_to_the_commune_officer_only(client, request, who, sees_form):
    html = _page(client, request.getfixturevalue(who), reverse("rounds"))
    assert ("Mở đợt rà soát</button>" in html) == sees_form


@pytest.mark.parametrize("who, sees_form", [("province_officer", True), ("commune_officer", True),
                                            ("commune_chairman", False), ("admin_user", False)])
def test_it_offers_the_plan_form_to_planners_only(client, request, who, sees_form):
    assert ('id="new-plan"' in _page(client, request.getfixturevalue(who), PLANS)) == sees_form


def test_it_offers_target_forms_only_to_the_plan_owner(client, province_officer, commune_chairman, my_commune):
    p = plan_actions.create_plan(province_officer, unit=my_commune, title="KH xã", document_no="3/KH",
                                 start_year=2021, end_year=2025)
    t = plan_actions.add_target(province_officer, p, metric="poverty_rate", unit=my_commune, kind="points",
                                low=2, high=3, counted=2.5, baseline_year=2021)
    assert 'id="new-target"' in _page(client, province_officer, reverse("plan", args=[p.pk]))
    assert 'id="official"' in _page(client, province_officer, reverse("target", args=[t.pk]))
    assert 'id="new-target"' not in _page(client, commune_chairman, reverse("plan", args=[p.pk]))
    assert 'id="official"' not in _page(client, commune_chairman, reverse("target", args=[t.pk]))


@pytest.mark.parametrize("who, prints", [("commune_officer", True), ("commune_chairman", True),
                                         ("province_officer", False)])
def test_it_links_certificates_only_for_the_commune(client, request, my_commune, who, prints):
    html = _page(client, request.getfixturevalue(who), reverse("reports:unit", args=[my_commune.pk]) + "?year=2025")
    assert ("/certificate.pdf" in html) == prints


def test_ct_can_answers_every_action_of_the_matrix(commune_officer, village_head):
    officer, head = roles.TemplateCan(commune_officer), roles.TemplateCan(village_head)
    for action, (allowed, *_names) in roles.MATRIX.items():
        assert officer[action] == (roles.COMMUNE in allowed), action
        assert head[action] == (roles.VILLAGE in allowed), action
    with pytest.raises(KeyError):
        officer["no_such_action"]
