"""The pact's signed scan (issue 12 §3): the demo's pact has one (a generated PDF, as the dossier
items), and the pacts page says "chưa có bản ký" of a pact without its scan."""
import datetime as dt

from chungtay.emulation import actions
from chungtay.emulation.models import Pact
from tests.emulation_helpers import movement, villages


def test_a_pact_without_its_scan_is_marked(client, commune_officer, my_commune):
    m = movement(commune_officer, my_commune)
    v1, v2 = villages(my_commune)
    p1, p2 = (actions.add_participant(commune_officer, m, unit=v) for v in (v1, v2))
    c = actions.add_cluster(commune_officer, m, name="Cụm các thôn")
    for p in (p1, p2):
        actions.set_member(commune_officer, c, p, year=2022)
    actions.sign_pact(commune_officer, c, year=2022, title="Giao ước 2022", clauses="1. Giúp nhau thoát nghèo.",
                      signed_on=dt.date(2022, 3, 1), parties=[p1, p2])
    client.force_login(commune_officer)
    page = client.get(f"/emulation/{m.pk}/pacts/").content.decode()
    row = page.split("Giao ước 2022")[1].split("</tr>")[0]
    assert "chưa có bản ký" in row


def test_the_demo_pact_has_its_signed_scan(client, province_officer):
    from chungtay.emulation import evidence
    from chungtay.emulation.demo import create_demo_movement
    out = create_demo_movement()
    pact = Pact.objects.select_related("scan").get(cluster_id=out["cluster"])
    assert pact.scan is not None and pact.scan.content_type == "application/pdf"
    data = evidence.path_of(pact.scan).read_bytes()
    assert data.startswith(b"%PDF-") and b"Giao uoc thi dua nam 2018" in data
    client.force_login(province_officer)
    page = client.get(f"/emulation/{pact.cluster.movement_id}/pacts/").content.decode()
    assert pact.scan.original_name in page and "chưa có bản ký" not in page
    r = client.get(f"/emulation/evidence/{pact.scan_id}/")
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF-")
