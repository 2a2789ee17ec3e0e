"""Shared helpers of the nomination, vote, decision and certificate tests (not a test module)."""
import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from chungtay.emulation import actions_awards as act
from chungtay.emulation import commendation as rules
from tests.emulation_helpers import scored

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = dt.date(2026, 3, 1)
MEMBERS = [
    {"name": "Nguyễn Văn An", "position": "Chủ tịch UBND xã", "present": True, "ballot": "approve", "affiliation": ""},
    {"name": "Trần Thị Bình", "position": "Phó Chủ tịch", "present": True, "ballot": "approve", "affiliation": ""},
    {"name": "Lê Văn Cường", "position": "Chủ tịch MTTQ xã", "present": True, "ballot": "reject", "affiliation": ""},
]


def pdf(name="ho-so.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


PUBLISHED_ON = dt.date(2026, 1, 30)      # the scores' public comment ends 14/02/2026, before TODAY


def dossier(officer, commune, publish=True, **kw):
    """A scored movement (tests/emulation_helpers.scored) and a draft dossier for its first
    village as a collective, proposed for the commune chairman's Giấy khen of 2025: resting on the
    scores published on PUBLISHED_ON (by the chairman ``chutich``), or with ``publish=False`` on no
    scoring (the run computed, not published)."""
    from django.contrib.auth import get_user_model

    from chungtay.emulation import actions
    m, run, p1, p2, _ = scored(officer, commune)
    if publish:
        for _ in range(2):
            run = actions.advance_run(officer, run)
        run = actions.advance_run(get_user_model().objects.get(username="chutich"), run, comment_days=15,
                                  today=PUBLISHED_ON)
    args = dict(subject_kind=rules.COLLECTIVE, year=2025, form_code="giay_khen_xa", run=run if publish else None,
                achievements="Dẫn đầu cụm thi đua năm 2025: 3/5 hộ nghèo thoát nghèo.", today=TODAY)
    args.update(kw)
    n = act.create_nomination(officer, p1, **args)
    return m, run, p1, p2, n


def complete(officer, n):
    for item in n.items.all():
        act.attach_item(officer, item, upload=pdf(f"{item.code}.pdf"), checked=True)
    return n


def to_appraised(officer, n):
    complete(officer, n)
    for to in (rules.SUBMITTED, rules.RECEIVED, rules.APPRAISED):
        n = act.advance_nomination(officer, n, to=to, today=TODAY)
    return n


def to_upward(officer, n, members=MEMBERS):
    n = to_appraised(officer, n)
    act.record_vote(officer, n, council="Hội đồng Thi đua – Khen thưởng xã", held_on=dt.date(2026, 2, 20),
                    members=members, today=TODAY)
    n.refresh_from_db()
    return act.advance_nomination(officer, n, to=rules.UPWARD, today=TODAY)


def decided(officer, chairman, commune, publish=True, **kw):
    m, run, p1, p2, n = dossier(officer, commune, publish=publish)
    n = to_upward(officer, n)
    args = dict(number="25/QĐ-UBND", decided_on=dt.date(2026, 2, 25), issuer="UBND xã", signer="Nguyễn Văn An",
                today=TODAY)
    args.update(kw)
    d = act.record_decision(chairman, n, **args)
    return m, n, d
