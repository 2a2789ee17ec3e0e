"""The demo's emulation movement (issue 12 §8; docs/emulation.md, "Demo data"): Kon Tum's
movement of 2017–2020 under Plan 2736/KH-UBND, written through the actions (so every record is
audited) as the province officer ``tinh`` and the commune officer ``xa``.

- The province movement, derived from the national one (1258/QĐ-TTg, reference data of
  migration 0002), with the plan's six contents, its targets as goals, moved to final review.
- A commune movement of xa's commune derived from it, with three villages and three households
  whose pledges to escape poverty in 2019 (support app) are their registrations.
- Participants of the province movement: the province itself (it reports the province-wide
  activities of the seeds), six communes (xa's and xa2's among them) and the support demo's
  partners when present; one cluster of the communes (and a block of the partners) with a head and
  a deputy rotating each year 2018–2020, a pact signed in 2018 (with its signed scan),
  registrations 2018–2020 with targets.
- Activities with the figures of the province's report of 23/08/2018: 10 billboard clusters, two
  training courses that 72 of 86 communes sent staff to, 350 posters, 810 handbooks, two models
  replicated (goats in Kroong, bio-fertiliser in Kon Đào), an exemplary household of xa's commune.
- A criteria set KT-2020 (escaped households and the poverty-rate fall against the plan's 3.5
  points a year computed from the synthetic results, plus one entered criterion, each entered value
  with a generated evidence PDF) and its 2020 scoring, computed and advanced to published.

Idempotent: a province with the movement already recorded is left alone.
"""
from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count

from chungtay.households.models import Assessment, Household
from chungtay.units.models import Unit

from . import actions, sources
from .models import Cluster, ClusterMember, Movement, Participant

DECISION_NO = "2736/KH-UBND"
NAME = ("Phong trào thi đua “Cả nước chung tay vì người nghèo – Không để ai bị bỏ lại phía sau” "
        "trên địa bàn tỉnh Kon Tum giai đoạn 2017–2020")
CONTENTS = [
    "Huy động tập thể, cá nhân, gia đình đóng góp công sức, trí tuệ, của cải vật chất giúp đỡ các địa phương, "
    "cơ sở và hộ gia đình đăng ký thoát nghèo đạt mục tiêu thoát nghèo bền vững",
    "Các sở, ban, ngành, Ủy ban MTTQ Việt Nam tỉnh, các tổ chức chính trị – xã hội nghiên cứu, phát huy sáng kiến "
    "trong tuyên truyền vận động nhân dân, trong tham mưu, ban hành và thực hiện cơ chế, chính sách giảm nghèo",
    "Các tổ chức kinh tế, đơn vị lực lượng vũ trang hỗ trợ các địa phương nghèo thực hiện Đề án giảm nghèo",
    "UBND các cấp xây dựng lộ trình, giải pháp giảm nghèo, huy động nguồn lực giúp hộ nghèo thoát nghèo, hộ cận "
    "nghèo thoát cận nghèo, tăng hộ khá và hạn chế tái nghèo, gắn với xây dựng nông thôn mới",
    "Thôn, tổ dân phố, cộng đồng dân cư đoàn kết, giúp nhau giảm nghèo và từng bước làm giàu",
    "Các hộ gia đình thi đua vượt khó vươn lên thoát nghèo và giúp đỡ hộ khác cùng vươn lên"]
GOAL_TEXT = ("Giảm tỷ lệ hộ nghèo bình quân 3–4%/năm theo chuẩn nghèo tiếp cận đa chiều 2016–2020, các huyện "
             "nghèo giảm bình quân 6–8%/năm; cải thiện sinh kế và nâng cao chất lượng cuộc sống của người nghèo.")
YEARS = (2018, 2019, 2020)
SCORE_YEAR = 2020
CLUSTER_NAME = "Cụm thi đua các xã số 1"
BLOCK_NAME = "Khối các đoàn thể, doanh nghiệp, lực lượng vũ trang"
CRITERIA = {
    "code": "KT-2020", "name": {"vi": "Tiêu chí thi đua “Chung tay vì người nghèo” năm 2020",
                                "en": "“For the poor” emulation criteria 2020"},
    "bands": [{"min": 0, "label": "Hoàn thành"}, {"min": 50, "label": "Hoàn thành tốt"},
              {"min": 75, "label": "Hoàn thành xuất sắc"}],
    "criteria": [
        {"code": "A1", "name": {"vi": "Số hộ thoát nghèo trong năm", "en": "Households escaped in the year"},
         "column": "escaped", "source": "escaped", "points": 40, "kind": "relative"},
        {"code": "A2", "name": {"vi": "Giảm tỷ lệ hộ nghèo so với kế hoạch 3,5 điểm %/năm",
                                "en": "Poverty-rate fall against the plan's 3.5 points a year"},
         "column": "poverty_rate_fall", "source": "poverty_rate_fall", "points": 40, "kind": "ratio",
         "target": 3.5},
        {"code": "B1", "name": {"vi": "Hoàn thành nhiệm vụ tuyên truyền, tập huấn của năm",
                                "en": "Communication and training duties of the year done"},
         "column": "communication_done", "points": 20, "kind": "boolean"}]}
# entered values of the partners (the platform has no poverty figures for an organisation):
# households they helped to escape in 2020, as a council would type them from their reports
PARTNER_ESCAPED = [12, 9, 7, 6, 5, 4, 3, 3]


def _province() -> Unit | None:
    return Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.PROVINCE, code="51").first()


def _communes(province: Unit, xa_commune: Unit, others: list[Unit], n: int = 6) -> list[Unit]:
    """xa's commune, the other officers' communes, then the rural communes with the most
    households that have results in the baseline (2016) and in the scoring year."""
    with_results = set(Assessment.objects.filter(province=province, kind=Assessment.PERIODIC, is_current=True,
                                                 year=2016).values_list("commune_id", flat=True).distinct()) & set(
        Assessment.objects.filter(province=province, kind=Assessment.PERIODIC, is_current=True, year=SCORE_YEAR)
        .values_list("commune_id", flat=True).distinct())
    ranked = (Unit.objects.filter(parent=province, level=Unit.COMMUNE, is_urban=False, pk__in=with_results)
              .annotate(k=Count("households")).order_by("-k", "code"))
    out = [c for c in [xa_commune, *others] if c is not None and c.pk in with_results]
    for c in ranked:
        if len(out) >= n:
            break
        if c.pk not in {u.pk for u in out}:
            out.append(c)
    return list(dict.fromkeys(out))[:n]


def _poor_households(commune: Unit, poor_year: int, escaped_year: int | None = None, n: int = 3) -> list[Household]:
    poor = set(Assessment.objects.filter(commune=commune, kind=Assessment.PERIODIC, is_current=True, year=poor_year,
                                         category="poor").values_list("household_id", flat=True))
    if escaped_year is not None:
        poor &= set(Assessment.objects.filter(commune=commune, kind=Assessment.PERIODIC, is_current=True,
                                              year=escaped_year).exclude(category="poor")
                    .values_list("household_id", flat=True))
    return list(Household.objects.filter(pk__in=poor).order_by("code")[:n])


def _rotate(actor, cluster, members) -> None:
    """Members for each year; the head and the deputy change every year."""
    n = len(members)
    for i, year in enumerate(YEARS):
        for j, p in enumerate(members):
            role = ClusterMember.HEAD if j == i % n else ClusterMember.DEPUTY if j == (i + 1) % n else ClusterMember.MEMBER
            actions.set_member(actor, cluster, p, year=year, role=role)


@transaction.atomic
def create_demo_movement(log=lambda m: None) -> dict:
    """Kon Tum's 2017–2020 movement on the demo province (see the module docstring). Returns what
    was created: ``{"created": bool, "movement": id, "commune_movement": id, "participants": n,
    "registrations": n, "activities": n, "run": id}``; ``created`` is False when the movement
    existed already (nothing is written) or the demo province, personas or plan are missing."""
    User = get_user_model()
    province = _province()
    tinh, xa = User.objects.filter(username="tinh").first(), User.objects.filter(username="xa").first()
    if province is None or tinh is None or xa is None:
        return {"created": False}
    existing = Movement.objects.filter(unit=province, decision_no=DECISION_NO).first()
    if existing is not None:
        return {"created": False, "movement": existing.pk}
    from chungtay.households.demo_extras import create_kon_tum_plan
    plan = create_kon_tum_plan(log)
    national = Movement.objects.filter(level="national", decision_no="1258/QĐ-TTg").first()
    xa_commune = xa.assignments.select_related("unit").first().unit
    others = [a.unit for a in User.objects.get(username="xa2").assignments.select_related("unit")] \
        if User.objects.filter(username="xa2").exists() else []

    # ------------------------------------------------------------------ the province movement
    m = actions.launch_movement(
        tinh, level="province", name=NAME, decision_no=DECISION_NO, decision_date=dt.date(2017, 10, 11),
        issuer="UBND tỉnh Kon Tum", unit=province, start_year=2017, end_year=2020, parent=national,
        goals=list(plan.targets.all()) if plan is not None else [], goal_text=GOAL_TEXT, contents=CONTENTS)
    contents = {c.number: c for c in m.contents.all()}

    p_province = actions.add_participant(tinh, m, unit=province, joined_on=dt.date(2017, 10, 11))
    communes = _communes(province, xa_commune, others)
    p_communes = [actions.add_participant(tinh, m, unit=c, joined_on=dt.date(2017, 11, 28)) for c in communes]
    from chungtay.support.models import Partner
    partners = list(Partner.objects.for_user(tinh).filter(province=province, commune__isnull=True).order_by("name", "pk"))
    p_partners = [actions.add_participant(tinh, m, partner=x, joined_on=dt.date(2017, 11, 28)) for x in partners]

    # one cluster of the communes; head and deputy rotate each year
    cluster = actions.add_cluster(tinh, m, name=CLUSTER_NAME)
    _rotate(tinh, cluster, p_communes)
    if len(p_partners) >= 2:
        # the partners in a block of their own: their entered figures are ranked among themselves
        _rotate(tinh, actions.add_cluster(tinh, m, name=BLOCK_NAME, kind=Cluster.BLOCK), p_partners)
    from django.core.files.uploadedfile import SimpleUploadedFile
    scan = SimpleUploadedFile("giao-uoc-thi-dua-2018-ban-ky.pdf", _pdf(f"Giao uoc thi dua nam 2018 - ban ky - {DECISION_NO}"),
                              content_type="application/pdf")      # the signed pact, scanned
    actions.sign_pact(
        tinh, cluster, year=2018, title=f"Giao ước thi đua năm 2018 – {CLUSTER_NAME}", signed_on=dt.date(2018, 3, 15),
        upload=scan, parties=p_communes, clauses=(
            "1. Giảm tỷ lệ hộ nghèo ít nhất 3,5 điểm % trong năm theo chuẩn nghèo tiếp cận đa chiều.\n"
            "2. Mỗi thôn có ít nhất một mô hình giúp nhau thoát nghèo; không để hộ thoát nghèo tái nghèo.\n"
            "3. Cử cán bộ văn hóa – thông tin dự đủ các lớp tập huấn truyền thông giảm nghèo của tỉnh.\n"
            "4. Báo cáo kết quả thi đua hằng quý về cụm trưởng; cụm phúc tra chéo trước ngày 15/12."))

    # registrations 2018–2020 (MOLISA Form 1a): the communes' targets follow their own poor households
    registrations = 0
    for year in YEARS:
        for p in p_communes:
            poor = Assessment.objects.filter(commune=p.unit, kind=Assessment.PERIODIC, is_current=True,
                                             year=year - 1, category="poor").count()
            actions.register(tinh, p, year=year, registered_on=dt.date(year, 2, 20),
                             titles=["Cờ thi đua của UBND tỉnh"] if year == SCORE_YEAR else ["Bằng khen của Chủ tịch UBND tỉnh"],
                             targets=[("Giảm tỷ lệ hộ nghèo", "điểm %", "3.5"),
                                      ("Số hộ thoát nghèo", "hộ", str(max(1, round(poor * 0.3)))),
                                      ("Thôn có mô hình giúp nhau thoát nghèo", "thôn", "2")])
            registrations += 1
        for k, p in enumerate(p_partners):
            actions.register(tinh, p, year=year, registered_on=dt.date(year, 2, 25),
                             titles=["Tập thể lao động xuất sắc"],
                             targets=[("Hộ nghèo nhận giúp đỡ, kết nghĩa", "hộ", str(PARTNER_ESCAPED[k % 8] + 5))])
            registrations += 1

    # activities with the figures of the report of 23/08/2018
    acts = [
        dict(kind="communication", content=contents[2], date=dt.date(2018, 6, 30), quantity=10,
             unit_of_measure="cụm pano",
             title="Xây dựng, sửa chữa cụm pano “Cả nước chung tay vì người nghèo – Không để ai bị bỏ lại phía sau” "
                   "trên địa bàn các huyện, thành phố"),
        dict(kind="training", content=contents[2], date=dt.date(2018, 5, 25), quantity=2, unit_of_measure="lớp",
             reached=72, invited=86,
             title="02 lớp đào tạo, bồi dưỡng kỹ năng, nghiệp vụ cho đội ngũ làm công tác thông tin và truyền "
                   "thông cơ sở: 72/86 xã cử cán bộ tham gia"),
        dict(kind="communication", content=contents[2], date=dt.date(2018, 7, 15), quantity=350,
             unit_of_measure="tờ áp phích", title="In tờ áp phích tuyên truyền giảm nghèo cấp cho các xã"),
        dict(kind="communication", content=contents[2], date=dt.date(2018, 7, 15), quantity=810,
             unit_of_measure="cuốn sổ tay",
             title="In sổ tay giảm nghèo về thông tin cho cán bộ Văn hóa – Thông tin 86 xã và cán bộ của 749 thôn"),
        dict(kind="model", content=contents[4], date=dt.date(2018, 3, 19), quantity=2, unit_of_measure="dự án",
             title="Nhân rộng mô hình giảm nghèo tại 02 xã bằng luân chuyển vốn: chăn nuôi dê sinh sản (xã Kroong) "
                   "và chăm sóc cà phê bằng phân bón sinh học (xã Kon Đào)")]
    activities = [actions.report_activity(tinh, m, p_province, **a) for a in acts]
    # the seeds' 15 models are the Kon Tum Women's Union's
    union = next((p for p in p_partners if "Phụ nữ" in p.name and "Kon Tum" in p.name),
                 next((p for p in p_partners if "Phụ nữ" in p.name), None))
    if union is not None:
        activities.append(actions.report_activity(
            tinh, m, union, kind="model", content=contents[2], date=dt.date(2018, 6, 1), quantity=15,
            unit_of_measure="mô hình",
            title="15 mô hình hợp tác xã, tổ hợp tác, tổ liên kết với 320 hội viên phụ nữ tham gia"))
    p_xa = next(p for p in p_communes if p.unit_id == xa_commune.pk)
    hero = (_poor_households(xa_commune, 2017, 2019, 1) or _poor_households(xa_commune, 2017, None, 1) or [None])[0]
    if hero is not None:
        activities.append(actions.report_activity(
            tinh, m, p_xa, kind="exemplary", content=contents[6], date=dt.date(2019, 12, 20),
            title=f"Hộ {hero.head_name} ({hero.code}) vượt khó thoát nghèo",
            story=f"Hộ ông/bà {hero.head_name}, {hero.village.full_name}, là hộ nghèo năm 2017. Nhận bò giống và "
                  "vay vốn chính sách, gia đình học kỹ thuật chăn nuôi, trồng thêm cà phê xen canh; cuối năm 2019 "
                  "hộ được bình xét không còn nghèo và nhận kèm cặp hai hộ nghèo cùng thôn."))

    # ------------------------------------------------------------------ the commune movement (xa)
    cm = actions.launch_movement(
        xa, level="commune", name=f"Phong trào thi đua “Chung tay vì người nghèo” trên địa bàn {xa_commune.full_name}",
        decision_no="15/KH-UBND", decision_date=dt.date(2017, 12, 5), issuer=f"UBND {xa_commune.full_name}",
        unit=xa_commune, start_year=2018, end_year=2020, parent=m, contents=CONTENTS[3:],
        goal_text="Mỗi năm giảm ít nhất 3,5 điểm % tỷ lệ hộ nghèo; mỗi thôn có mô hình giúp nhau thoát nghèo.")
    actions.advance_movement(xa, cm, "running")
    villages = list(Unit.objects.filter(parent=xa_commune, level=Unit.VILLAGE).annotate(k=Count("households"))
                    .order_by("-k", "code")[:3])
    cparts = [actions.add_participant(xa, cm, unit=v, joined_on=dt.date(2018, 1, 10)) for v in villages]
    households = _poor_households(xa_commune, 2018)
    for h in households:
        actions.add_participant(xa, cm, household=h, joined_on=dt.date(2018, 1, 10))
    # the households' registrations are their pledges to escape poverty in 2019 (support app), not
    # typed again: the support demo's pledge where there is one, else recorded here by xa
    from chungtay.support.models import Pledge
    from chungtay.support.people import record_pledge
    for h in households:
        if not Pledge.objects.filter(household=h, year=2019).exists():
            record_pledge(xa, h, year=2019, registered_on=dt.date(2019, 1, 15), kinds_asked=["livestock"],
                          plan="Nhận bò giống, học kỹ thuật chăn nuôi và trồng xen cà phê; phấn đấu thoát nghèo năm 2019.",
                          support_asked="Bò giống, vay vốn chính sách")
        registrations += 1
    if cparts:
        activities.append(actions.report_activity(
            xa, cm, cparts[0], kind="communication", content=cm.contents.get(number=2), date=dt.date(2019, 10, 17),
            quantity=12, unit_of_measure="buổi phát thanh",
            title="Phát thanh về “Ngày vì người nghèo 17/10” trên loa truyền thanh thôn"))

    # ------------------------------------------------------------------ criteria and the 2020 scoring
    cs = actions.add_criteria_set(tinh, m, CRITERIA)
    run = actions.open_run(tinh, cs, year=SCORE_YEAR)
    whole = sources.figure("poverty_rate_fall", p_province, SCORE_YEAR, m).value
    from django.core.files.uploadedfile import SimpleUploadedFile

    def proof(p, code: str):
        """The evidence of an entered value (each comes with one): a generated one-page PDF, as the
        dossier items of ``_nominate_the_best``."""
        return SimpleUploadedFile(f"minh-chung-{code}-{p.pk}.pdf",
                                  _pdf(f"Minh chung tu cham {SCORE_YEAR} - tieu chi {code} - doi tuong {p.pk}"),
                                  content_type="application/pdf")
    for k, p in enumerate(p_partners):
        # a partner has no poverty figures of its own: the council enters the households it helped
        # and credits it with the province's fall of the poverty rate
        actions.enter_value(tinh, run, p, "A1", PARTNER_ESCAPED[k % 8], upload=proof(p, "A1"))
        actions.enter_value(tinh, run, p, "A2", round(whole or 0.0, 4), upload=proof(p, "A2"))
    everyone = [p_province, *p_communes, *p_partners]
    for k, p in enumerate(everyone):
        # the last commune did not send staff to the training (72 of 86 did)
        actions.enter_value(tinh, run, p, "B1", 0 if p is p_communes[-1] else 1, upload=proof(p, "B1"))
    actions.compute_run(tinh, run)
    for _ in range(3):
        run.refresh_from_db()
        actions.advance_run(tinh, run, today=dt.date(2021, 3, 15))
    run.refresh_from_db()                   # published: the nominations rest on it
    for to in ("running", "interim_review", "final_review"):
        m = actions.advance_movement(tinh, m, to)

    decisions = _nominate_the_best(tinh, m, run)

    # the final review report (§7) of the province for 2017–2020, generated from all of the above
    # (results, activities, supports and donations, scores, awards) and published by the province
    from .report_actions import publish_report
    report = publish_report(tinh, m, province, m.start_year, m.end_year, today=REPORT_DAY)

    n_parts = Participant.objects.filter(movement__in=[m, cm]).count()
    log(f"  emulation movement {DECISION_NO}: {n_parts} participants, {registrations} registrations, "
        f"{len(activities)} activities, scoring {SCORE_YEAR} published, {len(decisions)} awards decided")
    return {"created": True, "movement": m.pk, "commune_movement": cm.pk, "participants": n_parts,
            "registrations": registrations, "activities": len(activities), "run": run.pk,
            "criteria_set": cs.pk, "cluster": cluster.pk, "decisions": [d.pk for d in decisions],
            "nominations": [d.nomination_id for d in decisions], "report_version": report.published.version}


REPORT_DAY = dt.date(2021, 4, 20)       # the final review report, published after the awards


# ---------------------------------------------------------------------- nominations and decisions (§6)
AWARD_DAY = dt.date(2021, 4, 5)
COUNCIL = "Hội đồng Thi đua – Khen thưởng tỉnh Kon Tum"
COUNCIL_MEMBERS = [("Chủ tịch UBND tỉnh", "Chủ tịch Hội đồng"), ("Phó Chủ tịch UBND tỉnh", "Phó Chủ tịch Hội đồng"),
                   ("Giám đốc Sở Nội vụ", "Phó Chủ tịch thường trực"), ("Giám đốc Sở Lao động – TB&XH", "Ủy viên"),
                   ("Chủ tịch Ủy ban MTTQ Việt Nam tỉnh", "Ủy viên"), ("Chủ tịch Hội Liên hiệp Phụ nữ tỉnh", "Ủy viên"),
                   ("Chủ tịch UBND xã (thành viên mời)", "Ủy viên")]
NAMES = ["Nguyễn Văn Hòa", "Trần Thị Minh", "Lê Quang Vinh", "A Thút", "Y Hương", "Phạm Thị Lan", "Đinh Văn Tâm"]


def _pdf(title: str) -> bytes:
    """A minimal one-page PDF standing for a scanned item of the dossier (ASCII text only)."""
    text = title.encode("ascii", "replace").decode().replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 60 760 Td ({text}) Tj ET".encode()
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
            b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
            b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % x for x in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def _best_two(run) -> list:
    """The best participants by the published scores: rank 1 of each cluster or block (the
    communes' cluster first), else the two highest totals."""
    from .models import ScoreTotal
    totals = list(ScoreTotal.objects.filter(run=run).select_related("participant").order_by("-total", "pk"))
    firsts = sorted([t for t in totals if t.rank == 1], key=lambda t: (t.cluster != CLUSTER_NAME, -t.total))
    picked = firsts[:2]
    for t in totals:
        if len(picked) >= 2:
            break
        if t not in picked:
            picked.append(t)
    return picked


def _nominate_the_best(actor, m, run) -> list:
    """Two dossiers for the best participants of the 2020 scoring, each with the four items of
    Law 06/2022 Art. 84, the council's vote (one member from the nominated commune is flagged and
    not counted) and the province chairman's Bằng khen, issued on 05/04/2021."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from . import actions_awards as act
    from . import commendation as rules
    out = []
    for k, t in enumerate(_best_two(run)):
        p = t.participant
        n = act.create_nomination(
            actor, p, subject_kind=rules.COLLECTIVE, year=SCORE_YEAR, form_code="bang_khen_tinh", run=run,
            today=AWARD_DAY,
            achievements=f"Dẫn đầu {t.cluster} trong kết quả chấm điểm thi đua năm {SCORE_YEAR} đã công bố ngày "
                         f"15/03/2021: {t.total:.2f} điểm".replace(".", ",") + f", xếp loại {t.band}.")
        for item in n.items.all():
            upload = SimpleUploadedFile(f"{item.code}.pdf", _pdf(f"{item.code} - ho so {n.pk}"),
                                        content_type="application/pdf")
            act.attach_item(actor, item, upload=upload, checked=True)
        for to in (rules.SUBMITTED, rules.RECEIVED, rules.APPRAISED):
            n = act.advance_nomination(actor, n, to=to, today=AWARD_DAY)
        members = [{"name": NAMES[i], "position": f"{pos}, {role}", "present": True, "ballot": "approve",
                    "affiliation": ""} for i, (pos, role) in enumerate(COUNCIL_MEMBERS)]
        # the invited commune chairman is of the nominated commune: a conflict of interest, flagged and not counted
        members[-1]["affiliation"] = p.name
        act.record_vote(actor, n, council=COUNCIL, held_on=dt.date(2021, 3, 30), members=members, today=AWARD_DAY)
        n.refresh_from_db()
        n = act.advance_nomination(actor, n, to=rules.UPWARD, today=AWARD_DAY)
        out.append(act.record_decision(
            actor, n, number=f"{412 + k}/QĐ-UBND", decided_on=AWARD_DAY, issuer="UBND tỉnh Kon Tum",
            signer="Nguyễn Văn Hòa", today=AWARD_DAY,
            citation=f"Đã có thành tích xuất sắc trong phong trào thi đua “Cả nước chung tay vì người nghèo – Không để "
                     f"ai bị bỏ lại phía sau” năm {SCORE_YEAR}"))
    return out
