"""Write markup/script payloads into every text a user or an import can write, through the app's
action functions, in the database of the current settings (CHUNGTAY_DATA_DIR / DATABASE_URL).
Used by tests/test_e2e_xss.py: ``python -m tests.xss_payloads`` prints what it wrote as JSON.

Besides the households, reviews, plans and imports (:func:`main`), :func:`movement_apps` writes
into the texts of the apps added later: support (partners, pairings, pledges, supports and their
corrections, distributions, evidence file names, the support import), revolving models (names,
rules, asset descriptions, witnesses, notes, void reasons), groups (names, purposes, meetings,
savings notes, leaving and reversal reasons), the Fund for the Poor (bank accounts, campaigns,
donors, pledges, donations in kind, allocations, disbursements, reversals, a Great Unity house's
stage and contribution notes, transfers, bank statements, the donation import, a published period), the emulation movement (names, issuers,
goals, contents, clusters, registrations, pacts, activities and their files, criteria sets,
scores) and its awards (:func:`emulation_awards`: restrictions, nominations and their checklist
notes and files, council votes and members, returns, decisions with their issuers, signers and
citations, revocations, bonus recoveries, a published review report), the tablet survey's import
(file name, notes), a prepared file and an API key's name.

Unit names are reference data with no action that renames them: they are updated through the ORM."""
from __future__ import annotations

import json
import sys
import tempfile
from datetime import date
from pathlib import Path

# Long payload (names, texts) and a short one (fields of 40–60 characters).
P = '"\'><img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'
S = '<img src=x onerror="window.__xss=1">'
T = "<svg/onload=window.__xss=1>"          # fields of 30 characters (units of measure)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16   # a file the evidence stores accept (magic bytes only)


def main() -> dict:
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chungtay.households import actions as hh
    from chungtay.imports import actions as imp
    from chungtay.plans import actions as plans
    from chungtay.reviews import actions as rv
    from chungtay.reviews.models import RoundHousehold
    from chungtay.units.models import Unit
    from tests.test_import_support import good_rows, write_xlsx

    users = get_user_model().objects
    xa, tinh = users.get(username="xa"), users.get(username="tinh")
    commune, province = xa.assignments.get().unit, tinh.assignments.get().unit
    villages = list(Unit.objects.filter(parent=commune, level=Unit.VILLAGE).order_by("code"))
    village = villages[0]
    out: dict = {"commune": commune.pk, "province": province.pk, "village": village.pk}

    # unit names (reference data: no action renames a unit)
    Unit.objects.filter(pk=village.pk).update(name=P, full_name="Thôn " + P)
    Unit.objects.filter(pk=commune.pk).update(name=P, full_name="Xã " + P)

    # a household, its members and a result with a reason
    h = hh.create_household(xa, code="XSS-0001", village=village, address=P,
                            head={"full_name": P, "sex": "M", "birth_year": 1980, "ethnicity": S, "citizen_id": ""})
    hh.add_member(xa, h, {"full_name": P, "sex": "F", "birth_year": 1982, "ethnicity": "Kinh", "relation": "spouse"})
    hh.record_assessment(xa, h, year=2025, kind="regular", income=400_000, deprived=["employment", "latrine"],
                         reason=P)
    out["household"] = h.pk

    # a periodic review round through to posting: survey reasons, meeting texts, posting places,
    # a complaint pending and one resolved
    rnd = rv.open_round(xa, commune, 2026)
    rv.add_household(xa, rnd, h, "requested")
    rv.start_survey(xa, rnd)
    for rh in rnd.members.select_related("household"):
        rv.record_survey(xa, rnd, rh.household, income=800_000, deprived=["employment"], reason=P)
    rv.start_meetings(xa, rnd)
    for v in {rh.household.village for rh in rnd.members.select_related("household__village")}:
        hids = list(rnd.members.filter(household__village=v, step=RoundHousehold.SURVEYED)
                    .values_list("household_id", flat=True))
        rv.record_meeting(xa, rnd, v, held_on=date.today(), chaired_by=P, attendees=20, minutes=P,
                          votes={hid: 20 for hid in hids})
    rv.post_lists(xa, rnd, posted_from=date.today(), places=P)
    c1 = rv.record_complaint(xa, rnd, h, received_on=date.today(), complainant=P, content=P)
    c2 = rv.record_complaint(xa, rnd, h, received_on=date.today(), complainant=S, content=P)
    rv.resolve_complaint(xa, c2, outcome="rejected", resolution=P)
    out.update(round=rnd.pk, complaint=c1.pk, resolved=c2.pk)

    # a plan, its target and an official figure
    plan = plans.create_plan(tinh, unit=province, title=P, document_no=S, start_year=2021, end_year=2025)
    t = plans.add_target(tinh, plan, metric="poverty_rate", unit=province, kind="points_per_year", low=1.0,
                         counted=1.0, baseline_year=2021, end_year=2025, baseline_source=P, note=P,
                         published_source=P)
    plans.enter_official_figure(tinh, unit=province, year=2015, metric="poverty_rate", value=9.5, source=P)
    out.update(plan=plan.pk, target=t.pk)

    # imports: names, addresses and ethnic groups from a file (named with a payload), and a file whose
    # bad cells (shown back in the error table) hold payloads
    tmp = Path(tempfile.mkdtemp())
    rows = good_rows(villages[1].code, villages[1].code, prefix="00990")
    for r in rows["Ho"][1:]:
        r[2] = P
    for r in rows["NhanKhau"][1:]:
        r[1], r[4] = P, S
    good = write_xlsx(tmp / "good.xlsx", rows)
    job = imp.create_job(xa, commune, [SimpleUploadedFile(S + ".xlsx", good.read_bytes())])
    job = imp.run_job(job.pk)
    out["import_ok"], out["import_status"] = job.pk, job.status
    bad_rows = good_rows(villages[1].code, villages[1].code, prefix="00980")
    bad_rows["NhanKhau"][1][2] = P            # sex: not Nam/Nữ → the value comes back in the error table
    bad_rows["NhanKhau"][2][5] = S            # relation
    bad_rows["Ho"][1][1] = P                  # village unknown
    bad = write_xlsx(tmp / "bad.xlsx", bad_rows)
    job = imp.create_job(xa, commune, [SimpleUploadedFile(S + "bad.xlsx", bad.read_bytes())])
    job = imp.run_job(job.pk)
    out["import_bad"], out["import_bad_status"] = job.pk, job.status
    out.update(movement_apps(xa, tinh, commune, province, village, h, tmp))
    return out


def _csv(path: Path, rows: list[list]) -> Path:
    import csv
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def movement_apps(xa, tinh, commune, province, village, h, tmp: Path) -> dict:
    """Payloads in the texts of support, revolving, groups, fund, emulation, the tablet survey and
    the prepared files, all about the household ``h`` (of the payload village) and xa's commune."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chungtay.emulation import actions as emu
    from chungtay.emulation.models import MovementContent
    from chungtay.field.submissions import import_file
    from chungtay.fund import actions as fund
    from chungtay.fund import importer as fund_importer
    from chungtay.fund.models import Fund
    from chungtay.groups import actions as groups
    from chungtay.households.models import Household
    from chungtay.jobs import files as jobs
    from chungtay.reviews import actions as rv
    from chungtay.revolving import actions as revolving
    from chungtay.support import actions as support
    from chungtay.support import evidence as support_evidence
    from chungtay.support import importer as support_importer
    from chungtay.support import people
    from chungtay.support.models import ProgrammePart

    users = get_user_model().objects
    thon, mttq = users.get(username="thon"), users.get(username="mttq")
    thon_village = thon.assignments.get().unit
    live = Household.objects.filter(commune=commune, status="active", end_year=None).exclude(pk=h.pk).order_by("id")
    other = live.filter(village=thon_village).first()          # the village head sees what reaches it
    third = live.exclude(pk=other.pk).first()
    out: dict = {"thon_village": thon_village.pk, "commune_code": commune.code, "province_code": province.code}

    def png(name=S + ".png"):
        return SimpleUploadedFile(name, PNG, content_type="image/png")

    # --- support: a partner, pairings, pledges, supports (corrected, cancelled), a distribution, an import
    partner = people.create_partner(xa, unit=commune, name=P, kind="enterprise", contact=P, note=P)
    people.create_pairing(xa, partner=partner, household=h, start_date=date(2024, 1, 1), commitments=P, document_no=S)
    ended = people.create_pairing(xa, officer=xa, village=village, start_date=date(2024, 1, 1), commitments=P)
    people.end_pairing(xa, ended, ended_on=date(2025, 1, 1), reason=P)
    for year in (2025, 2026):
        people.record_pledge(xa, h, year=year, plan=P, support_asked=P, kinds_asked=["livestock"])
    ev = support_evidence.store(xa, h, png())

    def facts(**kw):
        f = dict(part=ProgrammePart.objects.get(code="GNBV2125.DA3.TDA1"), kind="livestock", quantity=Decimal(1),
                 unit_of_measure=T, value_vnd=10_000_000, date=date(2025, 5, 1), status="delivered",
                 funding=[("NSTW", 100, True)], description=P, provider_partner=partner, document_no=S)
        f.update(kw)
        return support.Facts(**f)
    s1 = support.record_support(xa, h, facts(evidence=ev))
    s1 = support.correct_support(xa, s1, facts(evidence=ev, value_vnd=12_000_000), reason=P)
    s2 = support.record_support(xa, h, facts(provider_partner=None, provider_unit=commune, date=date(2025, 6, 1)))
    support.cancel_support(xa, s2, reason=P)
    d = support.record_distribution(xa, unit=commune, decision_no=S, decision_date=date(2025, 7, 1), title=P,
                                    codes=[h.code], facts=facts(date=date(2025, 7, 1)))
    good = _csv(tmp / "support.csv", [[c.key for c in support_importer.COLUMNS],
                                      [h.code, "", "GNBV2125.DA3.TDA1", "livestock", P, "1", T, "3000000", "NSTW 100%",
                                       "01/08/2025", "", P, S]])
    imported = support_importer.check_and_import(xa, good, S + ".csv")
    assert not imported.problems, imported.problems
    out.update(support=s1.entry_id, distribution=d.pk, evidence=ev.pk, household_code=h.code)

    # --- revolving: a goat model planned for h, a goat of the village head's village, events with texts
    m = revolving.create_model(xa, commune=commune, code="XSS-DE", name=P, kind="livestock", rule_type="offspring",
                               months=12, start_date=date(2023, 1, 1), planned=[h.code, other.code, third.code],
                               description=P, rule_note=P)
    goat = revolving.add_asset(xa, m, code="XSS1", value_vnd=3_000_000, household=h, date=date(2023, 1, 10),
                               sex="female", description=P, witness=P, decision_no=S)
    kid = revolving.record_birth(xa, m, goat, code="XSS2", sex="male", value_vnd=1_000_000, date=date(2023, 8, 1),
                                 description=P)
    revolving.record_transfer(xa, m, goat, to_household=other, date=date(2023, 12, 1), witness=P, decision_no=S, note=P)
    revolving.record_sale(xa, m, kid, date=date(2024, 2, 1), amount_vnd=1_500_000, note=P)
    lost = revolving.add_asset(xa, m, code="XSS3", value_vnd=3_000_000, household=third, date=date(2023, 1, 10),
                               sex="female", description=P, witness=S)
    death = revolving.record_death(xa, m, lost, date=date(2024, 3, 1), note=P)
    revolving.void_event(xa, death, reason=P)
    out["revolving"] = m.pk

    # --- groups: one run by the commune, one by the partner; members, a meeting, savings, corrections
    g = groups.create_group(xa, commune=commune, village=village, name=P, kind="savings_loan", run_by_unit=commune,
                            founded_on=date(2022, 1, 1), purpose=P)
    groups.create_group(xa, commune=commune, name=S, kind="savings_loan", partner=partner, founded_on=date(2022, 1, 1),
                        purpose=P)
    m1 = groups.add_member(xa, g, household=h, role="leader", joined_on=date(2022, 1, 1))
    m2 = groups.add_member(xa, g, household=other, joined_on=date(2022, 1, 1))
    groups.record_meeting(xa, g, held_on=date(2024, 3, 8), attendees=12, topic=P, minutes=P)
    groups.record_entry(xa, g, membership=m1, kind="deposit", amount_vnd=200_000, date=date(2023, 1, 1), note=P)
    wrong = groups.record_entry(xa, g, membership=m2, kind="deposit", amount_vnd=100_000, date=date(2023, 1, 2), note=P)
    groups.reverse_entry(xa, wrong, reason=P, date=date(2023, 1, 3))
    groups.leave_group(xa, m2, left_on=date(2024, 1, 1), reason=P)
    out["group"] = g.pk

    # --- the Fund for the Poor of xa's commune (the demo's, kept by its Front committee ``mttq``)
    f = Fund.objects.get(unit=commune)
    fund.add_bank_account(mttq, f, bank=P, number="XSS-" + S[:30], holder=P)
    day = date(2025, 11, 19)          # after the demo's published peak month (closed books)
    campaign = fund.create_campaign(mttq, f, kind="other", name=P, start=day, end=date(2025, 11, 30),
                                    target_vnd=100_000_000)
    donor = fund.create_donor(mttq, f, kind="enterprise", name=P, contact=P, partner=partner)   # on the partner's page
    pledge = fund.record_pledge(mttq, f, donor=donor, amount_vnd=40_000_000, due_date=date(2025, 12, 1), made_on=day,
                                campaign=campaign, note=P)
    gift = fund.record_donation(mttq, f, donor=donor, date=day, value_vnd=40_000_000, campaign=campaign, pledge=pledge,
                                bank_reference=S)
    fund.record_donation(mttq, f, donor=fund.create_donor(mttq, f, kind="individual", name=S, contact=P), date=day,
                         value_vnd=2_000_000, form="in_kind", goods=P)
    a = fund.decide_allocation(mttq, f, decision_no=S, decision_date=date(2025, 11, 20), title=P,
                               lines=[("house", commune, 30_000_000)])
    paid = fund.record_disbursement(mttq, f, household=h, purpose="house", amount_vnd=5_000_000, date=date(2025, 11, 21),
                                    document_no=S, description=P, allocation=a)
    undone = fund.record_disbursement(mttq, f, household=h, purpose="house", amount_vnd=1_000_000,
                                      date=date(2025, 11, 22), description=P, allocation=a)
    fund.reverse(mttq, undone.txn, date=date(2025, 11, 23), reason=P)
    house = fund.create_house(mttq, f, household=h, fund_vnd=5_000_000, state_vnd=40_000_000, disbursement=paid)
    fund.advance_house(mttq, house, stage="started", date=date(2025, 11, 25), note=P)      # the house's free texts
    fund.add_house_contribution(mttq, house, source="community", amount_vnd=3_000_000, date=date(2025, 11, 26), note=P)
    fund.add_house_contribution(mttq, house, source="state", amount_vnd=1_000_000, date=date(2025, 11, 27), note=S,
                                correction=True)
    fund.record_transfer(mttq, f, Fund.objects.get(unit=province), amount_vnd=1_000_000, date=date(2025, 11, 24),
                         reference=S)
    statement = "date,amount,reference,description\n2025-11-19,40000000,%s,%s\n2025-11-20,7000,%s,%s\n" % (
        "XSS", P.replace('"', '""').join('""'), S.replace('"', '""').join('""'), P.replace('"', '""').join('""'))
    st, _ = fund.import_statement(mttq, f, name=S + ".csv", data=statement.encode())
    donations = _csv(tmp / "donations.csv", [
        [c.key for c in fund_importer.COLUMNS],
        [S + " & co", "Doanh nghiệp", "", "20/11/2025", "3.000.000", "Hiện vật", "", P, P, S]])
    result = fund_importer.check_and_import(mttq, f, donations, S + ".csv")
    assert not result.problems, result.problems
    period = fund.publish_period(mttq, f, start=date(2025, 11, 19), end=date(2025, 11, 30))
    out.update(fund=f.pk, donation=gift.pk, reversible=paid.txn_id, statement=st.pk, period=period.pk, house=house.pk)

    # --- emulation: a movement of xa's commune and everything written in it
    mv = emu.launch_movement(xa, level="commune", name=P, decision_no=S, decision_date=date(2021, 3, 1), issuer=P,
                             unit=commune, start_year=2021, end_year=2026, goal_text=P, contents=[P, S])
    p_commune = emu.add_participant(xa, mv, unit=commune)
    p_village = emu.add_participant(xa, mv, unit=village)
    p_house = emu.add_participant(xa, mv, household=h)
    p_partner = emu.add_participant(xa, mv, partner=partner)
    cluster = emu.add_cluster(xa, mv, name=P)
    emu.set_member(xa, cluster, p_village, year=2025, role="head")
    emu.set_member(xa, cluster, p_partner, year=2025, role="deputy")
    emu.register(xa, p_village, year=2025, titles=[P], targets=[(P, T, "5", P)], registered_on=date(2025, 1, 10),
                 note=P)
    pact = emu.sign_pact(xa, cluster, year=2025, title=P, clauses=P, signed_on=date(2025, 2, 1),
                  parties=[p_village, p_partner], upload=png())
    content = MovementContent.objects.filter(movement=mv).order_by("number").first()
    emu.report_activity(xa, mv, p_village, kind="exemplary", title=P, date=date(2025, 3, 1), content=content,
                        quantity="3", unit_of_measure=T, reached=10, invited=20, story=P, upload=png())
    emu.report_activity(xa, mv, p_partner, kind="support", title=P, date=date(2025, 8, 1), support_ids=[s1.entry_id],
                        donation_ids=[gift.pk])
    cs = emu.add_criteria_set(xa, mv, {
        "code": S, "name": P, "bands": [{"min": 0, "label": P}, {"min": 30, "label": S}],
        "criteria": [{"code": "A1", "name": {"vi": P, "en": S}, "column": "escaped", "points": 40, "kind": "ratio",
                      "target": 10, "source": "escaped"},
                     {"code": T, "name": {"vi": S, "en": P}, "column": "communication", "points": 10,
                      "kind": "boolean"}]})
    run = emu.open_run(xa, cs, year=2025)
    for part in (p_commune, p_village, p_house, p_partner):
        emu.enter_value(xa, run, part, T, 1, upload=png())     # an entered value comes with its evidence
    emu.enter_value(xa, run, p_partner, "A1", 2, upload=png())  # no figure of the platform for a partner
    emu.compute_run(xa, run)
    # published a month ago (its public-comment period over): nominations rest on published scores,
    # and go upward only once the period has ended
    from datetime import timedelta
    for _ in range(2):
        run = emu.advance_run(xa, run)
    run = emu.advance_run(users.get(username="chutich"), run, comment_days=15, today=date.today() - timedelta(days=30))
    out.update(movement=mv.pk, run=run.pk, emulation_evidence=pact.scan_id, partner=partner.pk)
    out.update(emulation_awards(xa, users.get(username="chutich"), mv, run, p_commune, p_village, p_house, p_partner))

    # --- the tablet survey of a regular round: an import (file named with a payload, a note)
    rnd = rv.open_round(xa, commune, 2026, kind="regular", month=6)
    rv.add_household(xa, rnd, h, "requested")
    rv.add_household(xa, rnd, other, "requested")          # the village head's survey form
    rv.start_survey(xa, rnd)
    sheet = _csv(tmp / "odk.csv", [["meta/instanceID", "ma_ho", "can_cu", "thu_nhap", "thieu_hut",
                                     "dang_ky_thoat_ngheo", "ghi_chu"],
                                    ["uuid:xss-1", h.code, "income", "900000", "khong", "0", P]])
    survey = import_file(xa, rnd, sheet, S + ".csv")
    assert survey.ok, [(p.column, p.value, p.reason) for p in survey.problems]
    out.update(field_round=rnd.pk, other=other.pk)

    # --- a prepared file of the province (its progress names the communes, one of them a payload)
    pf = jobs.request_file(tinh, "reports.summaries_xlsx", province, {"year": 2025})
    jobs.run_file(pf.pk)
    out["prepared"] = pf.pk

    # --- an API key of the commune officer, named with a payload (its page lists the names)
    from chungtay.api import tokens
    tokens.create_token(xa, name=P, days=30)
    return out


def emulation_awards(xa, chutich, mv, run, p_commune, p_village, p_house, p_partner) -> dict:
    """The awards of the payload movement: restrictions (one open, one ended), dossiers whose
    achievements, checklist notes and files, council, members, return reason, decision (issuer,
    signer, number, citation), revocation and recovery hold payloads, and the review report
    published by the chairman."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chungtay.emulation import actions_awards as awards
    from chungtay.emulation import commendation as rules
    from chungtay.emulation import report_actions

    today = date.today()
    kinds = list(rules.RESTRICTION_NAMES)
    awards.record_restriction(xa, p_partner, kind=kinds[0], started_on=date(2025, 1, 1), reference=S, person_name=P,
                              note=P)
    ended = awards.record_restriction(xa, p_house, kind=kinds[-1], started_on=date(2025, 1, 1), reference=P,
                                      person_name=S, note=P)
    awards.end_restriction(xa, ended, ended_on=date(2025, 6, 1), reference=P)
    members = [{"name": P, "position": P, "affiliation": T, "present": True, "ballot": "approve"},
               {"name": S, "position": S, "affiliation": "", "present": True, "ballot": "approve"},
               {"name": T, "position": P, "affiliation": S, "present": True, "ballot": "approve"},
               {"name": S + " 2", "position": P, "affiliation": P[:40], "present": False, "ballot": ""}]

    def dossier(participant, form_code, to=rules.DRAFT, **kw):
        n = awards.create_nomination(xa, participant, year=2025, form_code=form_code, achievements=P, run=run, **kw)
        if to == rules.DRAFT:
            item = n.items.order_by("id").first()
            awards.attach_item(xa, item, upload=SimpleUploadedFile(S + ".png", PNG, content_type="image/png"), note=P)
            return n
        for item in n.items.all():
            awards.attach_item(xa, item, upload=SimpleUploadedFile(S + ".png", PNG, content_type="image/png"),
                               checked=True, note=P)
        for step in (rules.SUBMITTED, rules.RECEIVED, rules.APPRAISED)[:(1 if to == rules.SUBMITTED else 3)]:
            n = awards.advance_nomination(xa, n, to=step)
        if to in (rules.SUBMITTED, rules.APPRAISED):
            return n
        awards.record_vote(xa, n, council=P, held_on=today, members=members,
                           upload=SimpleUploadedFile(S + ".png", PNG, content_type="image/png"))
        n.refresh_from_db()
        return awards.advance_nomination(xa, n, to=rules.UPWARD)

    # a decided award, revoked, its bonus partly paid back; another decided and kept; a draft decision
    n1 = dossier(p_village, "giay_khen_xa", to=rules.UPWARD, subject_kind=rules.COLLECTIVE)
    d1 = awards.record_decision(chutich, n1, decided_on=today, issuer=P, number=S, signer=P, citation=P)
    awards.revoke_decision(chutich, d1, number=S, decided_on=today, issuer=P, reason=P)
    awards.record_recovery(chutich, d1, amount_vnd=10_000, recovered_on=today, reference=S)
    n2 = dossier(p_village, "tap_the_lao_dong_tien_tien", to=rules.UPWARD, subject_kind=rules.COLLECTIVE)
    awards.record_decision(chutich, n2, decided_on=today, issuer=P, number=T, signer=S, citation=P)
    n3 = dossier(p_commune, "giay_khen_xa", to=rules.UPWARD, subject_kind=rules.COLLECTIVE)
    awards.record_decision(chutich, n3, decided_on=today, issuer=P, signer=P, citation=P, final=False)
    # an individual's dossier returned with a reason; one waiting for the council; a household's draft
    n4 = dossier(p_partner, "lao_dong_tien_tien", to=rules.SUBMITTED, subject_kind=rules.INDIVIDUAL,
                 person_name=T, person_position=P)
    awards.return_nomination(xa, n4, reason=P)
    n5 = dossier(p_partner, "giay_khen_xa", to=rules.APPRAISED, subject_kind=rules.COLLECTIVE)
    n6 = dossier(p_house, "gia_dinh_tieu_bieu", subject_kind=rules.HOUSEHOLD)
    n7 = dossier(p_commune, "tap_the_lao_dong_tien_tien", to=rules.UPWARD, subject_kind=rules.COLLECTIVE)
    report_actions.publish_report(chutich, mv, mv.unit, mv.start_year, min(mv.end_year, today.year))
    return {"nomination": n1.pk, "nomination_draft_decision": n3.pk, "nomination_returned": n4.pk,
            "nomination_vote": n5.pk, "nomination_draft": n6.pk, "nomination_upward": n7.pk, "awarded": p_village.pk}


if __name__ == "__main__":
    print(json.dumps(main()))
    sys.exit(0)
