"""The emulation movement through the API (docs/api.md, docs/emulation.md): every endpoint answers
for xa's commune officer; the scope is the pages' (another commune's officer and another
province's officer get 404 and empty lists, the national and province movements are seen below
them); unpublished scores only for who scores or publishes them; writes only through the actions
(201 and the AuditEvent; 403 with the page's message for a role that may not; 400 with a
Vietnamese message on the API's field for bad input, nothing written); a household outside the
reader's area is shown by its code only."""
import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client

from chungtay.accounts.models import AuditEvent
from chungtay.emulation import actions
from chungtay.emulation.models import (Activity, Cluster, ClusterMember, Movement, Nomination, Pact, Participant,
                                       Registration, Score, ScoreTotal)
from chungtay.households.models import Household
from chungtay.units.labels import unit_label
from chungtay.units.models import Unit
from tests.emulation_award_helpers import decided
from tests.fund_helpers import commune_front
from tests.test_api_support import KeyClient, error_shape_ok, operations

D = dt.date


def emulation_world(officer, chairman, commune):
    """xa's commune movement (tests/emulation_award_helpers.decided: two villages in a cluster, a
    computed 2025 scoring not yet published, a nomination of the first village decided by the
    chairman, resting on no scoring as it is not published), plus a registration, a pact, an
    activity and a household participant of a village other than the village head's. Used by
    tests/test_api_scope.py as well."""
    m, n, d = decided(officer, chairman, commune, publish=False)
    run = m.runs.get()
    p1 = n.participant
    p2 = m.participants.exclude(pk=p1.pk).get()
    cluster = m.clusters.get()
    actions.set_member(officer, cluster, p1, year=2024, role="deputy")
    actions.set_member(officer, cluster, p2, year=2024, role="head")
    reg = actions.register(officer, p1, year=2025, titles=["Thôn văn hóa"], registered_on=D(2025, 1, 15),
                           targets=[("Hộ thoát nghèo", "hộ", "3", "")])
    pact = actions.sign_pact(officer, cluster, year=2025, title="Giao ước thi đua 2025", clauses="1. Giảm nghèo.",
                             signed_on=D(2025, 2, 1), parties=[p1, p2])
    activity = actions.report_activity(officer, m, p1, kind="communication", title="Dựng pano tuyên truyền",
                                       date=D(2025, 3, 1), content=m.contents.first(), quantity="10",
                                       unit_of_measure="cụm pano")
    used = {p.unit_id for p in (p1, p2)}
    third = (Unit.objects.filter(parent=commune, level=Unit.VILLAGE).exclude(pk__in=used).order_by("code").first())
    return SimpleNamespace(m=m, run=run, p1=p1, p2=p2, cluster=cluster, reg=reg, pact=pact, activity=activity,
                           n=n, d=d, third=third, cs=run.criteria_set)


@pytest.fixture
def w(commune_officer, commune_chairman, my_commune, village_head):
    w = emulation_world(commune_officer, commune_chairman, my_commune)
    own = village_head.assignments.get().unit
    w.hh = (Household.objects.filter(commune=my_commune, status="active", end_year=None).exclude(village=own)
            .exclude(head_name="").order_by("id").first())
    w.hp = actions.add_participant(commune_officer, w.m, household=w.hh)
    return w


def emulation_bodies(w):
    """A valid request for each write, aimed at the world's movement (xa's commune officer may send
    each). Used by tests/test_api_scope.py as well."""
    return {
        ("POST", "/emulation-movements/{movement_id}/participants"): {"unit_id": w.third.pk},
        ("POST", "/emulation-movements/{movement_id}/clusters"): {"name": "Khối đoàn thể", "kind": "block"},
        ("POST", "/emulation-movements/{movement_id}/cluster-members"): {"cluster_id": w.cluster.pk,
                                                                         "participant_id": w.p1.pk, "year": 2024},
        ("POST", "/emulation-movements/{movement_id}/registrations"): {
            "participant_id": w.p2.pk, "year": 2025, "titles": ["Thôn văn hóa"], "registered_on": "2025-01-20"},
        ("POST", "/emulation-movements/{movement_id}/pacts"): {
            "cluster_id": w.cluster.pk, "year": 2024, "title": "Giao ước thi đua 2024", "clauses": "1. Giảm nghèo.",
            "signed_on": "2024-02-01", "party_ids": [w.p1.pk, w.p2.pk]},
        ("POST", "/emulation-movements/{movement_id}/activities"): {
            "participant_id": w.p1.pk, "kind": "communication", "title": "Phát 350 áp phích", "date": "2025-05-01",
            "quantity": "350", "unit_of_measure": "áp phích"},
        ("POST", "/emulation-movements/{movement_id}/nominations"): {
            "participant_id": w.p2.pk, "subject_kind": "collective", "year": 2025, "form_code": "giay_khen_xa",
            "achievements": "Hoàn thành xuất sắc nhiệm vụ năm 2025"},
    }


def ok(r, status=200):
    assert r.status_code == status, r.content
    return r.json()


def ids(r):
    return {i["id"] for i in ok(r)["items"]}


def emulation_ops():
    return [(m, p, op) for m, p, op in operations() if p.startswith("/emulation")]


def paths(w):
    return {"movement_id": w.m.pk, "run_id": w.run.pk, "nomination_id": w.n.pk}


def fill(template, args):
    import re
    return re.sub(r"\{(\w+)\}", lambda x: str(args[x.group(1)]), template)


def test_every_read_answers_with_the_movements_records(w, commune_officer):
    xa = KeyClient(commune_officer)
    gets = [p for m, p, _ in emulation_ops() if m == "GET"]
    assert len(gets) == 13
    for template in gets:
        r = xa.get(fill(template, paths(w)))
        assert r.status_code == 200 and r["ETag"], (template, r.content)
    m = w.m.pk
    assert w.m.pk in ids(xa.get("/emulation-movements", {"limit": 200}))
    detail = ok(xa.get(f"/emulation-movements/{m}"))
    assert (detail["decision_no"], detail["level"], detail["state"], detail["state_vi"]) == (
        "12/KH-UBND", "commune", "launched", "Đã phát động")
    assert [c["number"] for c in detail["contents"]] == [1, 2] and detail["report_url"] == f"/emulation/{m}/report/"
    assert detail["counts"] == {"participants": 3, "clusters": 1, "registrations": 1, "activities": 1,
                                "criteria_sets": 1, "score_runs": 1, "nominations": 1, "decisions": 1}
    parts = {p["id"]: p for p in ok(xa.get(f"/emulation-movements/{m}/participants"))["items"]}
    assert set(parts) == {w.p1.pk, w.p2.pk, w.hp.pk}
    assert parts[w.p1.pk]["unit_id"] == w.p1.unit_id and parts[w.p1.pk]["kind"] == "unit"
    assert (parts[w.hp.pk]["household_id"], parts[w.hp.pk]["name"]) == (w.hh.pk, f"{w.hh.code} {w.hh.head_name}")
    assert ids(xa.get(f"/emulation-movements/{m}/participants", {"kind": "household"})) == {w.hp.pk}
    cl = ok(xa.get(f"/emulation-movements/{m}/clusters"))["items"][0]
    assert [(x["participant_id"], x["year"], x["role"]) for x in cl["members"]] == [
        (w.p1.pk, 2024, "deputy"), (w.p2.pk, 2024, "head"), (w.p1.pk, 2025, "head"), (w.p2.pk, 2025, "deputy")]
    reg = ok(xa.get(f"/emulation-movements/{m}/registrations", {"year": 2025}))["items"][0]
    assert (reg["titles"], reg["targets"][0]["planned_value"], reg["targets"][0]["unit_of_measure"]) == (
        ["Thôn văn hóa"], "3", "hộ")
    assert ids(xa.get(f"/emulation-movements/{m}/registrations", {"year": 2024})) == set()
    pact = ok(xa.get(f"/emulation-movements/{m}/pacts"))["items"][0]
    assert (pact["party_ids"], pact["has_scan"], pact["cluster_name"]) == (sorted([w.p1.pk, w.p2.pk]), False,
                                                                            "Cụm các thôn")
    act = ok(xa.get(f"/emulation-movements/{m}/activities", {"kind": "communication"}))["items"][0]
    assert (act["quantity"], act["unit_of_measure"], act["content_number"], act["kind_en"]) == (
        "10", "cụm pano", 1, "Communication (billboards, banners, posters, handbooks, broadcasts)")
    cs = ok(xa.get(f"/emulation-movements/{m}/criteria-sets"))["items"][0]
    assert [(c["code"], c["source"]) for c in cs["criteria"]] == [("A1", "escaped"), ("A2", "escaped"), ("B1", None)]
    assert cs["table"] == w.cs.table and cs["bands"][1] == {"min": 50.0, "label": "Xuất sắc"}
    run = ok(xa.get(f"/emulation-movements/{m}/score-runs"))["items"][0]
    assert (run["id"], run["state"], run["scores_visible"]) == (w.run.pk, "self_assessment", True)
    nom = ok(xa.get(f"/emulation-movements/{m}/nominations"))["items"][0]
    assert (nom["state"], nom["decision_id"], nom["form_code"], nom["subject_name"]) == (
        "decided", w.d.pk, "giay_khen_xa", w.p1.name)
    assert [(i["code"], i["has_file"], i["checked"]) for i in nom["items"]][0] == ("cover_request", True, True)
    assert nom["vote"]["members_total"] == 3 and nom["vote"]["approved"] and nom["vote"]["rule"]
    one = ok(xa.get(f"/emulation-nominations/{w.n.pk}"))
    assert [e["after"] for e in one["events"]][-1] == "decided" and one["events"][0]["after"] == "draft"
    dec = ok(xa.get(f"/emulation-movements/{m}/decisions"))["items"][0]
    assert (dec["number"], dec["bonus_vnd"], dec["final"], dec["revocation"], dec["due_vnd"]) == (
        "25/QĐ-UBND", w.d.bonus_vnd, True, None, 0)
    assert dec["certificate_url"] == f"/emulation/decisions/{w.d.pk}/certificate.pdf"
    assert dec["coefficient"] == "0.60" and dec["base_salary_vnd"] == w.d.base_salary
    assert ids(xa.get(f"/emulation-movements/{m}/decisions", {"participant": w.p2.pk})) == set()


def test_pagination_by_id_and_etag(w, commune_officer):
    xa = KeyClient(commune_officer)
    seen, cursor = [], None
    while True:
        body = ok(xa.get(f"/emulation-movements/{w.m.pk}/participants", {"limit": 1, **({"cursor": cursor} if cursor
                                                                                        else {})}))
        seen += [p["id"] for p in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(Participant.objects.filter(movement=w.m).values_list("id", flat=True))
    r = xa.get(f"/emulation-movements/{w.m.pk}/participants", {"cursor": "x"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_cursor"
    r = xa.get(f"/emulation-movements/{w.m.pk}")
    assert xa.get(f"/emulation-movements/{w.m.pk}", HTTP_IF_NONE_MATCH=r["ETag"]).status_code == 304


@pytest.fixture
def elsewhere(db, my_commune):
    """A movement of another province (written here as test data, not through the API)."""
    other = Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.PROVINCE).exclude(pk=my_commune.parent_id) \
        .order_by("code").first()
    return Movement.objects.create(name="Phong trào tỉnh khác", level="province", decision_no="9/KH-UBND",
                                   decision_date=D(2022, 1, 5), issuer="UBND tỉnh khác", unit=other, province=other,
                                   start_year=2021, end_year=2025)


def test_another_communes_and_another_provinces_data_are_invisible(w, elsewhere, other_commune_officer,
                                                                   province_officer, commune_officer, my_commune):
    xa2, tinh, xa = KeyClient(other_commune_officer), KeyClient(province_officer), KeyClient(commune_officer)
    national = Movement.objects.get(level="national", decision_no="1258/QĐ-TTg")
    for client in (xa2, tinh, xa):
        listed = ids(client.get("/emulation-movements", {"limit": 200}))
        assert national.pk in listed and elsewhere.pk not in listed
        for template in [p for m, p, _ in emulation_ops() if m == "GET" and "{movement_id}" in p]:
            r = client.get(fill(template, {"movement_id": elsewhere.pk}))
            assert r.status_code == 404 and error_shape_ok(r.json(), 404), template
    assert w.m.pk not in ids(xa2.get("/emulation-movements", {"limit": 200}))
    assert xa2.get("/emulation-movements", {"unit": my_commune.pk}).status_code == 404
    for method, template, _ in emulation_ops():
        if "{" not in template:
            continue
        path = fill(template, paths(w))
        r = xa2.get(path) if method == "GET" else xa2.post(path, emulation_bodies(w)[(method, template)])
        assert r.status_code == 404 and error_shape_ok(r.json(), 404), (method, template, r.status_code)
    # the province officer sees the commune's movement and everything under it
    assert w.m.pk in ids(tinh.get("/emulation-movements", {"unit": my_commune.parent_id, "limit": 200}))
    assert ids(tinh.get("/emulation-movements", {"unit": my_commune.pk})) == {w.m.pk}
    assert ok(tinh.get(f"/emulation-runs/{w.run.pk}/scores"))["items"]
    # a province movement is seen by its communes (and not by another province's)
    pm = actions.launch_movement(province_officer, level="province", name="Tỉnh chung tay", unit=my_commune.parent,
                                 decision_no="2736/KH-UBND", decision_date=D(2017, 10, 11), issuer="UBND tỉnh",
                                 start_year=2017, end_year=2020, parent=national)
    assert pm.pk in ids(xa.get("/emulation-movements", {"level": "province", "limit": 200}))
    assert ok(xa.get(f"/emulation-movements/{pm.pk}"))["parent_id"] == national.pk
    assert ids(xa.get("/emulation-movements", {"year": 2019, "level": "province", "limit": 200})) >= {pm.pk}
    assert pm.pk not in ids(xa.get("/emulation-movements", {"year": 2024, "limit": 200}))
    assert Client().get(f"/api/v1/emulation-movements/{w.m.pk}").status_code == 401


def test_unpublished_scores_only_for_who_scores_or_publishes_them(w, commune_officer, commune_chairman,
                                                                  province_officer, village_head, my_commune):
    front = commune_front(my_commune)
    path = f"/emulation-runs/{w.run.pk}/scores"
    for user in (village_head, front):
        c = KeyClient(user)
        r = c.get(path)
        assert r.status_code == 403 and r.json()["code"] == "scores_not_published" and error_shape_ok(r.json(), 403)
        assert "chưa công bố" in r.json()["message"]["vi"]
        run = ok(c.get(f"/emulation-movements/{w.m.pk}/score-runs"))["items"][0]
        assert run["scores_visible"] is False and run["state"] == "self_assessment"
    for user in (commune_officer, commune_chairman, province_officer):
        assert len(ok(KeyClient(user).get(path))["items"]) == 2
    rescore(w, commune_officer)
    run = actions.advance_run(commune_officer, actions.advance_run(commune_officer, w.run))
    assert KeyClient(village_head).get(path).status_code == 403            # the council's step: still not
    actions.advance_run(commune_chairman, run, comment_days=15)
    for user in (village_head, front):
        body = ok(KeyClient(user).get(path))
        assert len(body["items"]) == 3                                    # the two villages and the household
    run = ok(KeyClient(village_head).get(f"/emulation-movements/{w.m.pk}/score-runs"))["items"][0]
    assert (run["state"], run["scores_visible"], run["published_on"]) == ("published", True, D.today().isoformat())


def rescore(w, officer):
    """The household participant joined after the computation: its value entered (with evidence) and
    the scores computed again, as advance_run asks before moving on."""
    from tests.emulation_helpers import evidence
    actions.enter_value(officer, w.run, w.hp, "B1", 1, upload=evidence())
    actions.compute_run(officer, w.run)


def test_published_scores_carry_their_figures_and_formula(w, commune_officer, commune_chairman, village_head):
    rescore(w, commune_officer)
    run = actions.advance_run(commune_officer, actions.advance_run(commune_officer, w.run))
    actions.advance_run(commune_chairman, run, comment_days=15)
    body = ok(KeyClient(village_head).get(f"/emulation-runs/{w.run.pk}/scores"))
    totals = {t.participant_id: t for t in ScoreTotal.objects.filter(run=w.run)}
    assert {i["participant_id"] for i in body["items"]} == set(totals)
    for item in body["items"]:
        t = totals[item["participant_id"]]
        assert (item["total"], item["rank"], item["band"], item["cluster"]) == (t.total, t.rank, t.band or None,
                                                                                t.cluster)
        assert [s["criterion"] for s in item["scores"]] == ["A1", "A2", "B1"]
        for s in item["scores"]:
            row = Score.objects.get(run=w.run, participant_id=t.participant_id, criterion=s["criterion"])
            assert (s["points"], s["value"], s["explanation_vi"], s["figures_vi"]) == (
                row.points, row.value, row.explanation_vi, row.figures_vi)
            assert s["explanation_vi"] and s["explanation_en"] and s["figures_en"]
        assert abs(sum(s["points"] for s in item["scores"]) - item["total"]) < 1e-9
    a1 = next(s for s in next(i for i in body["items"] if i["participant_id"] == w.p1.pk)["scores"]
              if s["criterion"] == "A1")
    assert a1["source"] == "escaped" and a1["value"] == 3.0 and a1["points"] == 30.0     # 3 of 5 escaped, 40 × 3/4
    assert "điểm" in a1["explanation_vi"] and "3" in a1["figures_vi"]
    assert ids(KeyClient(village_head).get(f"/emulation-runs/{w.run.pk}/scores", {"participant": w.p2.pk})) == {
        totals[w.p2.pk].pk}


def test_a_household_outside_the_readers_area_shows_its_code_only(w, village_head, commune_officer):
    thon = KeyClient(village_head)
    body = thon.get(f"/emulation-movements/{w.m.pk}/participants").content.decode()
    hp = next(p for p in ok(thon.get(f"/emulation-movements/{w.m.pk}/participants"))["items"] if p["id"] == w.hp.pk)
    assert (hp["name"], hp["household_id"], hp["household_code"]) == (w.hh.code, None, w.hh.code)
    assert w.hh.head_name not in body
    full = next(p for p in ok(KeyClient(commune_officer).get(f"/emulation-movements/{w.m.pk}/participants"))["items"]
                if p["id"] == w.hp.pk)
    assert full["household_id"] == w.hh.pk and w.hh.head_name in full["name"]
    # the council's members are counted, not named
    nom = KeyClient(commune_officer).get(f"/emulation-nominations/{w.n.pk}").content.decode()
    assert "Nguyễn Văn An" not in nom and "Lê Văn Cường" not in nom


def test_writes_go_through_the_actions_and_leave_their_audit(w, commune_officer, my_commune):
    xa = KeyClient(commune_officer)
    m = w.m.pk

    def audited(action, obj_id):
        assert AuditEvent.objects.filter(action=action, object_id=str(obj_id), actor=commune_officer).exists(), action

    p = ok(xa.post(f"/emulation-movements/{m}/participants", {"unit_id": w.third.pk, "joined_on": "2025-01-02"}), 201)
    assert (p["kind"], p["unit_id"], p["name"]) == ("unit", w.third.pk, unit_label(w.third))   # twin villages told apart
    audited("emulation.participant", p["id"])
    c = ok(xa.post(f"/emulation-movements/{m}/clusters", {"name": "Khối đoàn thể", "kind": "block"}), 201)
    assert (c["kind_vi"], c["members"]) == ("Khối thi đua", [])
    audited("emulation.cluster", c["id"])
    for pid, role in ((w.p1.pk, "head"), (w.p2.pk, "member")):
        x = ok(xa.post(f"/emulation-movements/{m}/cluster-members", {"cluster_id": w.cluster.pk, "participant_id": pid,
                                                                      "year": 2024, "role": role}), 201)
        assert (x["year"], x["role"]) == (2024, role)
        audited("emulation.member", x["id"])
    pact = ok(xa.post(f"/emulation-movements/{m}/pacts", {
        "cluster_id": w.cluster.pk, "year": 2024, "title": "Giao ước 2024", "clauses": "1. Không để ai bị bỏ lại.",
        "signed_on": "2024-03-01", "party_ids": [w.p1.pk, w.p2.pk]}), 201)
    assert pact["party_ids"] == sorted([w.p1.pk, w.p2.pk]) and Pact.objects.get(pk=pact["id"]).created_by == \
        commune_officer
    audited("emulation.pact", pact["id"])
    reg = ok(xa.post(f"/emulation-movements/{m}/registrations", {
        "participant_id": w.p2.pk, "year": 2025, "titles": ["Thôn văn hóa"], "registered_on": "2025-01-20",
        "targets": [{"content": "Giảm tỷ lệ hộ nghèo", "unit_of_measure": "%", "planned_value": 1.5}]}), 201)
    assert reg["targets"][0]["planned_value"] == "1.5"
    audited("emulation.register", reg["id"])
    training = {"participant_id": w.p2.pk, "kind": "training", "title": "Tập huấn cán bộ thôn", "date": "2025-04-02",
                "reached": 72, "invited": 86, "content_id": w.m.contents.last().pk}
    a = ok(xa.post(f"/emulation-movements/{m}/activities", training, HTTP_IDEMPOTENCY_KEY="a-1"), 201)
    assert (a["reached"], a["invited"], a["content_number"], a["participant_name"]) == (72, 86, 2, w.p2.name)
    audited("emulation.activity", a["id"])
    again = xa.post(f"/emulation-movements/{m}/activities", training, HTTP_IDEMPOTENCY_KEY="a-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert Activity.objects.filter(movement=w.m, kind="training").count() == 1
    # a nomination rests on a published scoring only
    body = {"participant_id": w.p2.pk, "subject_kind": "collective", "year": 2025, "form_code": "giay_khen_xa",
            "achievements": "Hoàn thành xuất sắc", "run_id": w.run.pk}
    r = xa.post(f"/emulation-movements/{m}/nominations", body)
    assert r.status_code == 400 and r.json()["field"] == "run_id" and "đã công bố" in r.json()["message"]["vi"]
    n = ok(xa.post(f"/emulation-movements/{m}/nominations", {**body, "run_id": None}), 201)
    assert (n["state"], len(n["items"]), n["vote"], n["decision_id"]) == ("draft", 4, None, None)
    assert Nomination.objects.get(pk=n["id"]).created_by == commune_officer
    assert AuditEvent.objects.filter(action="emulation.nomination_state", object_id=str(n["id"])).exists()
    # the Front committee reports activities (and only that)
    front = KeyClient(commune_front(my_commune))
    r = front.post(f"/emulation-movements/{m}/activities", {"participant_id": w.p1.pk, "kind": "communication",
                                                            "title": "Phát 350 áp phích", "date": "2025-05-01",
                                                            "quantity": "350", "unit_of_measure": "áp phích"})
    assert ok(r, 201)["quantity"] == "350"
    assert AuditEvent.objects.filter(action="emulation.activity", object_id=str(r.json()["id"])).exists()


def test_a_role_that_may_not_write_gets_403_and_nothing_is_written(w, village_head, commune_chairman,
                                                                   commune_officer, my_commune):
    m = w.m.pk
    act = {"participant_id": w.p1.pk, "kind": "communication", "title": "Pano", "date": "2025-03-05"}
    reg = {"participant_id": w.p2.pk, "year": 2025, "titles": ["Thôn văn hóa"], "registered_on": "2025-01-20"}
    thon, chutich, front = KeyClient(village_head), KeyClient(commune_chairman), KeyClient(commune_front(my_commune))
    xa, read_only = KeyClient(commune_officer), KeyClient(commune_officer, scope="read")
    before = (AuditEvent.objects.count(), Activity.objects.count(), Registration.objects.count(),
              Participant.objects.count(), Cluster.objects.count(), Nomination.objects.count())
    cases = [
        (thon, "activities", act, "việc này do"),
        (thon, "registrations", reg, "việc này do"),
        (chutich, "participants", {"unit_id": w.third.pk}, "quản lý đối tượng"),
        (chutich, "clusters", {"name": "Cụm mới"}, "quản lý đối tượng"),
        (front, "registrations", reg, "ghi đăng ký thi đua"),
        (front, "nominations", {"participant_id": w.p2.pk, "subject_kind": "collective",
                                                    "year": 2025, "form_code": "giay_khen_xa",
                                                    "achievements": "x"}, "hồ sơ đề nghị khen thưởng"),
    ]
    for client, what, body, vi in cases:
        r = client.post(f"/emulation-movements/{m}/{what}", body)
        assert r.status_code == 403 and error_shape_ok(r.json(), 403), (client.user, what, r.content)
        assert r.json()["code"] == "forbidden" and vi in r.json()["message"]["vi"], r.json()
    r = read_only.post(f"/emulation-movements/{m}/activities", act)
    assert r.status_code == 403 and r.json()["code"] == "token_read_only"
    national = Movement.objects.get(level="national", decision_no="1258/QĐ-TTg")
    r = xa.post(f"/emulation-movements/{national.pk}/clusters", {"name": "Cụm"})
    assert r.status_code == 403 and "cấp Trung ương" in r.json()["message"]["vi"]
    assert (AuditEvent.objects.count(), Activity.objects.count(), Registration.objects.count(),
            Participant.objects.count(), Cluster.objects.count(), Nomination.objects.count()) == before


def test_bad_input_gets_400_with_a_specific_message_and_writes_nothing(w, commune_officer, other_commune):
    xa = KeyClient(commune_officer)
    m = w.m.pk
    other_village = Unit.objects.filter(parent=other_commune, level=Unit.VILLAGE).order_by("code").first()
    act = {"participant_id": w.p1.pk, "kind": "communication", "title": "Pano", "date": "2025-03-05"}
    reg = {"participant_id": w.p2.pk, "year": 2025, "titles": ["Thôn văn hóa"], "registered_on": "2025-01-20"}
    stranger = Participant.objects.exclude(movement=w.m).order_by("id").first()
    before = (AuditEvent.objects.count(), Activity.objects.count(), Registration.objects.count(),
              Participant.objects.count(), ClusterMember.objects.count(), Pact.objects.count(),
              Nomination.objects.count())
    cases = [
        ("activities", {**act, "date": "2019-05-01"}, "date", "ngoài thời gian của phong trào"),
        ("activities", {**act, "kind": "exemplary"}, "story", "câu chuyện"),
        ("activities", {**act, "kind": "support"}, "support_ids", "không nhập lại"),
        ("activities", {**act, "reached": 90, "invited": 86}, "reached", "lớn hơn số được mời"),
        ("activities", {**act, "quantity": "mười"}, "quantity", "phải là số"),
        ("activities", {**act, "support_ids": [2 ** 40]}, "support_ids", "ngoài địa bàn"),
        ("activities", {**act, "kind": "poster"}, "kind", "không nằm trong danh sách"),
        ("activities", {**act, "participant_id": (stranger.pk if stranger else 2 ** 40)}, "participant_id",
         "không tham gia phong trào"),
        ("activities", {k: v for k, v in act.items() if k != "title"}, "title", "Thiếu"),
        ("registrations", {**reg, "participant_id": w.p1.pk}, "year", "đã đăng ký thi đua năm 2025"),
        ("registrations", {**reg, "year": 2030}, "year", "ngoài thời gian"),
        ("registrations", {**reg, "titles": [], "targets": []}, None, "Cần ít nhất một danh hiệu"),
        ("registrations", {**reg, "targets": [{"content": "Hộ thoát nghèo", "unit_of_measure": "hộ",
                                               "planned_value": "nhiều"}]}, "targets", "phải là số"),
        ("participants", {}, None, "Chọn một đơn vị, một tổ chức hoặc một hộ"),
        ("participants", {"unit_id": other_village.pk}, "unit_id", "không thuộc địa bàn của phong trào"),
        ("participants", {"unit_id": w.p1.unit_id}, None, "đã tham gia phong trào"),
        ("participants", {"household_id": 2 ** 40}, "household_id", "Hộ không thuộc địa bàn"),
        ("clusters", {"name": "cụm các thôn"}, "name", "Đã có cụm, khối"),
        ("cluster-members", {"cluster_id": w.cluster.pk, "participant_id": w.p1.pk, "year": 2026}, "year",
         "ngoài thời gian"),
        ("cluster-members", {"cluster_id": 2 ** 40, "participant_id": w.p1.pk, "year": 2025}, "cluster_id",
         "Không có cụm, khối này"),
        ("pacts", {"cluster_id": w.cluster.pk, "year": 2025, "title": "Lần hai", "clauses": "x",
                   "signed_on": "2025-02-02", "party_ids": [w.p1.pk, w.p2.pk]}, "year", "đã ký giao ước năm 2025"),
        ("pacts", {"cluster_id": w.cluster.pk, "year": 2023, "title": "G", "clauses": "x", "signed_on": "2023-02-02",
                   "party_ids": [w.p1.pk]}, "party_ids", "ít nhất hai bên"),
        ("nominations", {"participant_id": w.p2.pk, "subject_kind": "household", "year": 2025,
                         "form_code": "giay_khen_xa", "achievements": "x"}, "subject_kind", "không phải hộ gia đình"),
        ("nominations", {"participant_id": w.p2.pk, "subject_kind": "collective", "year": 2025,
                         "form_code": "chien_si_thi_dua_co_so", "achievements": "x"}, "form_code",
         "không dùng cho đối tượng tập thể"),
        ("nominations", {"participant_id": w.p2.pk, "subject_kind": "individual", "year": 2025,
                         "form_code": "lao_dong_tien_tien", "achievements": "x"}, "person_name", "họ tên"),
    ]
    for what, body, field, vi in cases:
        r = xa.post(f"/emulation-movements/{m}/{what}", body)
        assert r.status_code == 400 and error_shape_ok(r.json(), 400), (what, body, r.content)
        assert r.json()["field"] == field and vi in r.json()["message"]["vi"], (what, body, r.json())
        assert r.json()["message"]["en"] != r.json()["message"]["vi"], r.json()
    r = xa.post(f"/emulation-movements/{m}/activities", {**act, "date": "2019-05-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["error"] == "2019 is outside the movement's period (2021–2025)"
    r = xa.client.post(f"/api/v1/emulation-movements/{m}/activities", "{not json", content_type="application/json",
                       **xa.extra)
    assert r.status_code == 400 and error_shape_ok(r.json(), 400)
    assert (AuditEvent.objects.count(), Activity.objects.count(), Registration.objects.count(),
            Participant.objects.count(), ClusterMember.objects.count(), Pact.objects.count(),
            Nomination.objects.count()) == before
    # a closed movement takes nothing more
    for to in ("running", "interim_review", "final_review", "closed"):
        actions.advance_movement(commune_officer, w.m, to)
    r = xa.post(f"/emulation-movements/{m}/activities", act)
    assert r.status_code == 400 and r.json()["message"]["vi"] == "Phong trào đã kết thúc"
