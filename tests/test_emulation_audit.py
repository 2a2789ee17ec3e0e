"""Every emulation write leaves an AuditEvent with the actor and the unit (no personal data)."""
import datetime as dt

from chungtay.accounts.models import AuditEvent
from chungtay.emulation import actions
from tests.emulation_helpers import scored

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


class Upload:
    name, size = "giao-uoc.png", len(PNG)

    def chunks(self):
        return iter([PNG])


def test_each_write_is_audited(commune_officer, commune_chairman, my_commune):
    start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    m, run, p1, p2, _ = scored(commune_officer, my_commune)
    actions.register(commune_officer, p1, year=2025, titles=["Thôn văn hóa"], targets=[("Hộ thoát nghèo", "hộ", "3")],
                     registered_on=dt.date(2025, 2, 1))
    c = m.clusters.get()
    pact = actions.sign_pact(commune_officer, c, year=2025, title="Giao ước 2025", clauses="1. Giảm nghèo",
                             signed_on=dt.date(2025, 3, 1), parties=[p1, p2], upload=Upload())
    act = actions.report_activity(commune_officer, m, p1, kind="communication", title="Pano tuyên truyền",
                            date=dt.date(2025, 4, 1), quantity="10", unit_of_measure="cụm pano", upload=Upload())
    actions.advance_movement(commune_officer, m, "running")
    for _ in range(2):
        actions.advance_run(commune_officer, run)
        run.refresh_from_db()
    actions.advance_run(commune_chairman, run)
    ev = list(AuditEvent.objects.filter(id__gt=start).order_by("id"))
    names = [e.action for e in ev]
    for a in ("emulation.launch", "emulation.participant", "emulation.cluster", "emulation.member",
              "emulation.criteria", "emulation.run", "emulation.value", "emulation.compute", "emulation.register",
              "emulation.pact", "emulation.activity", "emulation.state", "emulation.run_state"):
        assert a in names, a
    assert all(e.unit_id == my_commune.pk for e in ev if e.action.startswith("emulation."))
    published = [e for e in ev if e.action == "emulation.run_state"][-1]
    assert published.actor == commune_chairman and published.changes == {"before": "council", "after": "published"}
    assert pact.scan is not None and pact.scan.size == len(PNG)
    from chungtay.emulation import evidence
    assert (evidence.path_of(pact.scan).stat().st_mode & 0o777) == 0o600
    evidence.discard(pact.scan)
    evidence.discard(act.evidence)
