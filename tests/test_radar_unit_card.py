"""The unit page's "no one left behind" card: five counts that the page's script fetches from the
API with the signed-in session (the page does not wait for a province's radar), each linking to
its list on the radar page; scoped like the radar."""
import html
import re

from chungtay.support.radar import radar_for


def _src(page):
    m = re.search(r'data-radar-src="([^"]+)"', page)
    assert m, "the unit page has the radar card"
    return html.unescape(m.group(1))


def test_the_card_fetches_the_units_counts(client, commune_officer, my_commune):
    client.force_login(commune_officer)
    page = client.get(f"/units/{my_commune.pk}/?year=2025").content.decode()
    src = _src(page)
    assert src == f"/api/v1/radar?unit={my_commune.pk}&year=2025"
    assert "support/radar-panel.js" in page and 'data-radar-count="near_escape"' in page
    assert f"/support/radar/?unit={my_commune.pk}&amp;year=2025#pledges" in page
    data = client.get(src).json()                      # what the script reads, with the session
    assert data["counts"] == radar_for(commune_officer, my_commune, 2025).counts()
    assert data["counts"]["unsupported"] > 0


def test_the_village_heads_card_is_the_own_village(client, village_head, my_commune):
    village = village_head.assignments.get().unit
    client.force_login(village_head)
    src = _src(client.get(f"/units/{village.pk}/").content.decode())
    assert client.get(src).status_code == 200
    assert client.get(f"/api/v1/radar?unit={my_commune.pk}").status_code == 404
