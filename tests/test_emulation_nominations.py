"""Nomination dossiers (issue 12 §6): the Law 06/2022 Art. 84 checklist, the states and their
roles, the return with a reason, the refusal while the subject is under discipline or a complaint
is being verified (Decree 98/2023 Art. 4), and the pages' answers to bad input and outsiders."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chungtay.accounts.models import AuditEvent
from chungtay.emulation import actions_awards as act
from chungtay.emulation import commendation as rules
from chungtay.emulation.models import Nomination, NominationEvent
from tests.emulation_award_helpers import TODAY, complete, dossier, pdf, to_appraised


def test_a_dossier_has_the_four_items_and_is_not_submitted_while_one_is_missing(commune_officer, my_commune):
    m, run, p1, p2, n = dossier(commune_officer, my_commune)
    assert n.state == rules.DRAFT
    assert [i.code for i in n.items.all()] == ["cover_request", "achievement_report", "council_minutes",
                                               "certifications"]
    items = list(n.items.all())
    act.attach_item(commune_officer, items[0], upload=pdf(), checked=True)
    act.attach_item(commune_officer, items[1], upload=pdf())                      # a file, not checked
    with pytest.raises(ValidationError) as e:
        act.advance_nomination(commune_officer, n, to=rules.SUBMITTED, today=TODAY)
    msg = " ".join(e.value.messages)
    assert "Chưa nộp được: hồ sơ còn thiếu" in msg and "Điều 84" in msg
    assert "Báo cáo thành tích của tập thể, cá nhân, hộ gia đình (chưa kiểm tra)" in msg
    assert "Biên bản họp Hội đồng thi đua – khen thưởng (kết quả bỏ phiếu) (chưa có tệp)" in msg
    # an item is not checked before its file is there
    with pytest.raises(ValidationError, match="Chưa có tệp"):
        act.attach_item(commune_officer, items[2], checked=True)
    complete(commune_officer, n)
    n = act.advance_nomination(commune_officer, n, to=rules.SUBMITTED, today=TODAY)
    assert n.state == rules.SUBMITTED
    with pytest.raises(ValidationError, match="đã nộp"):
        act.attach_item(commune_officer, items[0], checked=False)


def test_the_states_move_one_step_at_a_time_each_with_an_event_and_an_audit(commune_officer, my_commune):
    m, run, p1, p2, n = dossier(commune_officer, my_commune)
    with pytest.raises(ValidationError, match="không chuyển sang bước này"):
        act.advance_nomination(commune_officer, n, to=rules.APPRAISED, today=TODAY)
    n = to_appraised(commune_officer, n)
    assert n.state == rules.APPRAISED
    # council_vote is reached only by recording the vote
    with pytest.raises(ValidationError):
        act.advance_nomination(commune_officer, n, to=rules.VOTED, today=TODAY)
    steps = list(NominationEvent.objects.filter(nomination=n).values_list("before", "after"))
    assert steps == [("", "draft"), ("draft", "submitted"), ("submitted", "received"), ("received", "appraised")]
    assert AuditEvent.objects.filter(action="emulation.nomination_state", object_id=str(n.pk)).count() == 4


def test_a_return_needs_its_reason_and_ends_the_dossier(commune_officer, my_commune):
    m, run, p1, p2, n = dossier(commune_officer, my_commune)
    with pytest.raises(ValidationError, match="không trả lại được"):
        act.return_nomination(commune_officer, n, reason="x")          # a draft is not returned
    complete(commune_officer, n)
    n = act.advance_nomination(commune_officer, n, to=rules.SUBMITTED, today=TODAY)
    with pytest.raises(ValidationError, match="Cần ghi lý do"):
        act.return_nomination(commune_officer, n, reason="  ")
    n = act.return_nomination(commune_officer, n, reason="Báo cáo thành tích chưa có xác nhận của cấp trên")
    assert n.state == rules.RETURNED and "xác nhận" in n.returned_reason
    assert NominationEvent.objects.filter(nomination=n, after="returned").get().reason.startswith("Báo cáo")
    # a returned dossier does not block a new one for the same subject, year and form
    again = act.create_nomination(commune_officer, p1, subject_kind=rules.COLLECTIVE, year=2025,
                                  form_code="giay_khen_xa", achievements="Bổ sung", today=TODAY)
    assert again.state == rules.DRAFT
    with pytest.raises(ValidationError, match="Đã có hồ sơ đề nghị"):
        act.create_nomination(commune_officer, p1, subject_kind=rules.COLLECTIVE, year=2025,
                              form_code="giay_khen_xa", achievements="Lần nữa", today=TODAY)


def test_bad_input_gets_field_errors(commune_officer, my_commune):
    m, run, p1, p2, n = dossier(commune_officer, my_commune)
    def err(**kw):
        args = dict(subject_kind=rules.COLLECTIVE, year=2025, form_code="bang_khen_tinh", achievements="Tốt",
                    today=TODAY)
        args.update(kw)
        with pytest.raises(ValidationError) as e:
            act.create_nomination(commune_officer, p2, **args)
        return e.value.message_dict
    assert "person_name" in err(subject_kind=rules.INDIVIDUAL)
    assert "person_name" in err(person_name="Ai đó")
    assert "subject_kind" in err(subject_kind=rules.HOUSEHOLD)                 # a village is not a household
    assert "year" in err(year=2019)
    assert "form_code" in err(form_code="khong-co")
    assert "form_code" in err(form_code="co_thi_dua_tinh", subject_kind=rules.INDIVIDUAL, person_name="A")
    assert "achievements" in err(achievements=" ")


def test_refused_under_discipline_or_a_complaint_being_verified(commune_officer, my_commune):
    m, run, p1, p2, n = dossier(commune_officer, my_commune)
    complete(commune_officer, n)
    r = act.record_restriction(commune_officer, p1, kind="complaint", started_on=dt.date(2026, 2, 10),
                               reference="05/TB-UBND", today=TODAY)
    with pytest.raises(ValidationError) as e:
        act.advance_nomination(commune_officer, n, to=rules.SUBMITTED, today=TODAY)
    msg = " ".join(e.value.messages)
    assert "Không xét khen thưởng" in msg and "khiếu nại, tố cáo đang được xác minh" in msg
    assert "05/TB-UBND" in msg and "Nghị định 98/2023/NĐ-CP, Điều 4" in msg
    with pytest.raises(ValidationError, match="Không xét khen thưởng"):
        act.create_nomination(commune_officer, p1, subject_kind=rules.COLLECTIVE, year=2024,
                              form_code="giay_khen_xa", achievements="Tốt", today=TODAY)
    # before the record starts it does not apply; a person's discipline does not bar the collective
    act.advance_nomination(commune_officer, n, to=rules.SUBMITTED, today=dt.date(2026, 2, 9))
    act.record_restriction(commune_officer, p2, kind="discipline", person_name="Hà Văn Nam",
                           started_on=dt.date(2026, 1, 1), today=TODAY)
    act.create_nomination(commune_officer, p2, subject_kind=rules.COLLECTIVE, year=2025, form_code="giay_khen_xa",
                          achievements="Tốt", today=TODAY)
    with pytest.raises(ValidationError, match="kỷ luật"):
        act.create_nomination(commune_officer, p2, subject_kind=rules.INDIVIDUAL, person_name="hà  văn nam",
                              year=2025, form_code="giay_khen_xa", achievements="Tốt", today=TODAY)
    # the verification ends: a date written once, the record stays
    act.end_restriction(commune_officer, r, ended_on=dt.date(2026, 2, 20), reference="KL 07", today=TODAY)
    with pytest.raises(ValidationError, match="Đã ghi ngày kết thúc"):
        act.end_restriction(commune_officer, r, ended_on=dt.date(2026, 2, 21), today=TODAY)
    n.refresh_from_db()
    assert act.advance_nomination(commune_officer, n, to=rules.RECEIVED, today=TODAY).state == rules.RECEIVED


def test_roles_and_area(commune_officer, commune_chairman, village_head, other_commune_officer, my_commune):
    m, run, p1, p2, n = dossier(commune_officer, my_commune)
    for u in (commune_chairman, village_head):
        with pytest.raises(PermissionDenied, match="hồ sơ đề nghị khen thưởng"):
            act.create_nomination(u, p1, subject_kind=rules.COLLECTIVE, year=2024, form_code="giay_khen_xa",
                                  achievements="x", today=TODAY)
    with pytest.raises(PermissionDenied, match="ngoài địa bàn"):
        act.create_nomination(other_commune_officer, p1, subject_kind=rules.COLLECTIVE, year=2024,
                              form_code="giay_khen_xa", achievements="x", today=TODAY)
    with pytest.raises(PermissionDenied):
        act.record_restriction(commune_chairman, p1, kind="discipline", started_on=TODAY, today=TODAY)


def test_the_pages(client, commune_officer, other_commune_officer, village_head, my_commune):
    m, run, p1, p2, n = dossier(commune_officer, my_commune)
    client.force_login(commune_officer)
    page = client.get(f"/emulation/{m.pk}/nominations/").content.decode()
    assert "Hồ sơ đề nghị khen thưởng" in page and f"/emulation/nominations/{n.pk}/" in page
    assert f'href="/emulation/{m.pk}/nominations/"' in client.get(f"/emulation/{m.pk}/").content.decode()
    # bad input: the form again with its field errors, never a 500
    r = client.post(f"/emulation/{m.pk}/nominations/", {"what": "nomination", "participant": p1.pk,
                                                         "subject_kind": "individual", "year": "2025",
                                                         "form_code": "giay_khen_xa", "achievements": "Tốt"})
    assert r.status_code == 200 and "Khen thưởng cá nhân cần họ tên" in r.content.decode()
    r = client.post(f"/emulation/{m.pk}/nominations/", {"what": "nomination", "participant": p1.pk,
                                                         "subject_kind": "collective", "year": "abc",
                                                         "form_code": "giay_khen_xa", "achievements": "Tốt"})
    assert r.status_code == 200
    r = client.post(f"/emulation/{m.pk}/nominations/", {"what": "restriction", "participant": p1.pk,
                                                         "kind": "complaint", "started_on": "2999-01-01"})
    assert r.status_code == 200 and "Ngày không thể ở tương lai" in r.content.decode()
    r = client.post(f"/emulation/nominations/{n.pk}/advance/", {"to": "submitted"}, follow=True)
    assert "Chưa nộp được: hồ sơ còn thiếu" in r.content.decode()
    r = client.post(f"/emulation/nominations/{n.pk}/item/", {"item": n.items.first().pk, "checked": "on"})
    assert r.status_code == 200 and "Chưa có tệp" in r.content.decode()
    r = client.post(f"/emulation/nominations/{n.pk}/item/",
                    {"item": n.items.first().pk, "checked": "on", "file": pdf()})
    assert r.status_code == 302 and n.items.first().checked
    r = client.post(f"/emulation/nominations/{n.pk}/item/", {"item": n.items.last().pk, "file": pdf_bad()})
    assert r.status_code == 200 and "JPEG, PNG hoặc PDF" in r.content.decode()
    # outsiders
    client.force_login(other_commune_officer)
    assert client.get(f"/emulation/nominations/{n.pk}/").status_code == 404
    client.force_login(village_head)
    assert client.get(f"/emulation/nominations/{n.pk}/").status_code == 200
    assert client.post(f"/emulation/nominations/{n.pk}/advance/", {"to": "submitted"}).status_code == 403
    assert Nomination.objects.get(pk=n.pk).state == rules.DRAFT


def pdf_bad():
    from django.core.files.uploadedfile import SimpleUploadedFile
    return SimpleUploadedFile("x.pdf", b"MZ not a pdf at all", content_type="application/pdf")
