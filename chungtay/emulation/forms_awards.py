"""Forms of the nomination, vote, decision and restriction pages (issue 12 §6)."""
from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from chungtay.i18n import tr

from . import commendation as rules
from .forms import DATE, YEAR, _choices


def _form_choices(kinds=None):
    return [(f.code, tr(f"{f.vi} ({rules.LEVELS[f.level][0]})", f"{f.en} ({rules.LEVELS[f.level][1]})"))
            for f in rules.FORMS if kinds is None or set(kinds) & set(f.subjects)]


class NominationForm(forms.Form):
    participant = forms.TypedChoiceField(label=tr("Đối tượng tham gia phong trào", "Participant"), coerce=int)
    subject_kind = forms.ChoiceField(label=tr("Đề nghị khen thưởng cho", "Nominated as"))
    person_name = forms.CharField(label=tr("Họ tên (khi khen thưởng cá nhân)", "Name (for an individual)"),
                                  max_length=120, required=False)
    person_position = forms.CharField(label=tr("Chức vụ, nơi công tác", "Position"), max_length=200, required=False)
    year = forms.IntegerField(label=tr("Năm thành tích", "Year of the achievements"), **YEAR)
    form_code = forms.ChoiceField(label=tr("Hình thức khen thưởng, danh hiệu đề nghị", "Form or title proposed"))
    achievements = forms.CharField(label=tr("Tóm tắt thành tích", "Achievements"), max_length=20000,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    run = forms.TypedChoiceField(label=tr("Căn cứ kết quả chấm điểm", "Based on the scoring"), coerce=int,
                                 required=False, empty_value=None)

    def __init__(self, *args, participants=(), runs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [(p.id, p.name) for p in participants]
        self.fields["subject_kind"].choices = _choices(rules.SUBJECT_KINDS)
        self.fields["form_code"].choices = _form_choices()
        self.fields["run"].choices = [("", "—")] + [(r.id, f"{r.criteria_set} · {r.year}") for r in runs]


class RestrictionForm(forms.Form):
    participant = forms.TypedChoiceField(label=tr("Đối tượng", "Participant"), coerce=int)
    person_name = forms.CharField(label=tr("Họ tên cá nhân (để trống nếu là cả tập thể, hộ)",
                                           "Person (blank for the whole collective or household)"),
                                  max_length=120, required=False)
    kind = forms.ChoiceField(label=tr("Loại", "Kind"))
    reference = forms.CharField(label=tr("Số văn bản", "Document"), max_length=120, required=False)
    started_on = forms.DateField(label=tr("Từ ngày", "From"), widget=DATE)
    note = forms.CharField(label=tr("Ghi chú", "Note"), max_length=500, required=False)

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [(p.id, p.name) for p in participants]
        self.fields["kind"].choices = _choices(rules.RESTRICTION_KINDS)


class RestrictionEndForm(forms.Form):
    ended_on = forms.DateField(label=tr("Kết thúc ngày", "Ended on"), widget=DATE)
    reference = forms.CharField(label=tr("Văn bản kết luận", "Concluding document"), max_length=120, required=False)


class ItemForm(forms.Form):
    item = forms.TypedChoiceField(label=tr("Thành phần hồ sơ", "Item"), coerce=int)
    file = forms.FileField(label=tr("Tệp (PDF, JPEG, PNG)", "File (PDF, JPEG, PNG)"), required=False)
    checked = forms.BooleanField(label=tr("Đã kiểm tra", "Checked"), required=False)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(i.id, rules.CHECKLIST_NAMES.get(i.code, (i.code,))[0]) for i in items]


class ReturnForm(forms.Form):
    reason = forms.CharField(label=tr("Lý do trả lại", "Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


YES = {"x", "1", "có", "co", "có mặt", "co mat", "yes", "present", "c"}
NO = {"", "0", "vắng", "vang", "vắng mặt", "vang mat", "no", "absent", "v", "-"}
BALLOT_WORDS = {"đồng ý": "approve", "dong y": "approve", "approve": "approve", "yes": "approve", "+": "approve",
                "không đồng ý": "reject", "khong dong y": "reject", "reject": "reject", "no": "reject",
                "phản đối": "reject",
                "không biểu quyết": "abstain", "khong bieu quyet": "abstain", "abstain": "abstain",
                "không bỏ phiếu": "abstain", "": ""}


def parse_members(text: str) -> list[dict]:
    """One member a line: ``họ tên | chức vụ | có mặt / vắng | đồng ý / không đồng ý / không biểu
    quyết | đơn vị, tổ chức (tên đối tượng, mã đơn vị hoặc mã hộ)``."""
    out = []
    for i, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")] + [""] * 5
        name, position, present, ballot, affiliation = parts[:5]
        p = present.casefold()
        if p in YES:
            here = True
        elif p in NO:
            here = False
        else:
            raise ValidationError(tr(f"Dòng {i}: cột thứ ba là “có mặt” hoặc “vắng”",
                                     f"Line {i}: the third column is “có mặt” (present) or “vắng” (absent)"))
        b = BALLOT_WORDS.get(ballot.casefold())
        if b is None:
            raise ValidationError(tr(f"Dòng {i}: phiếu là “đồng ý”, “không đồng ý” hoặc “không biểu quyết”",
                                     f"Line {i}: the ballot is “đồng ý”, “không đồng ý” or “không biểu quyết”"))
        if here and not b:
            raise ValidationError(tr(f"Dòng {i}: thành viên có mặt cần ghi phiếu", f"Line {i}: a present member votes"))
        out.append({"name": name, "position": position, "present": here, "ballot": b, "affiliation": affiliation})
    if not out:
        raise ValidationError(tr("Cần danh sách thành viên hội đồng", "List the council's members"))
    if len(out) > 200:
        raise ValidationError(tr("Hội đồng tối đa 200 thành viên", "At most 200 members"))
    return out


class VoteForm(forms.Form):
    council = forms.CharField(label=tr("Hội đồng", "Council"), max_length=200,
                              initial="Hội đồng Thi đua – Khen thưởng")
    held_on = forms.DateField(label=tr("Ngày họp", "Held on"), widget=DATE, initial=dt.date.today)
    members = forms.CharField(
        label=tr("Thành viên, mỗi dòng một người: họ tên | chức vụ | có mặt / vắng | đồng ý / không đồng ý / "
                 "không biểu quyết | đơn vị, tổ chức",
                 "Members, one a line: name | position | có mặt / vắng | đồng ý / không đồng ý / không biểu quyết "
                 "| unit or organisation"),
        max_length=40000, widget=forms.Textarea(attrs={"rows": 6}))
    minutes = forms.FileField(label=tr("Biên bản họp (PDF, ảnh)", "Minutes (PDF, image)"), required=False)

    def clean_members(self):
        return parse_members(self.cleaned_data.get("members", ""))


class DecisionForm(forms.Form):
    final = forms.ChoiceField(label=tr("Tình trạng", "Status"),
                              choices=[("1", tr("Đã ký ban hành", "Signed and issued")),
                                       ("0", tr("Dự thảo (in có dấu DỰ THẢO)", "Draft (printed with the draft mark)"))])
    number = forms.CharField(label=tr("Số quyết định", "Number"), max_length=60, required=False)
    decided_on = forms.DateField(label=tr("Ngày quyết định", "Date"), widget=DATE)
    issuer = forms.CharField(label=tr("Cơ quan ban hành", "Issuer"), max_length=200)
    signer = forms.CharField(label=tr("Người ký", "Signed by"), max_length=120, required=False)
    form_code = forms.ChoiceField(label=tr("Hình thức khen thưởng, danh hiệu", "Form or title"))
    citation = forms.CharField(label=tr("Nội dung khen (đã có thành tích …)", "Citation"), max_length=4000,
                               required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, subject_kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form_code"].choices = _form_choices([subject_kind] if subject_kind else None)

    def clean_final(self):
        return self.cleaned_data["final"] == "1"


class IssueForm(forms.Form):
    number = forms.CharField(label=tr("Số quyết định", "Number"), max_length=60)


class RevokeForm(forms.Form):
    number = forms.CharField(label=tr("Số quyết định thu hồi", "Number of the revocation"), max_length=60)
    decided_on = forms.DateField(label=tr("Ngày", "Date"), widget=DATE)
    issuer = forms.CharField(label=tr("Cơ quan ban hành", "Issuer"), max_length=200)
    reason = forms.CharField(label=tr("Lý do (Luật Thi đua, khen thưởng 2022, Chương VII)", "Reason"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    recover_bonus = forms.BooleanField(label=tr("Thu hồi tiền thưởng", "Recover the bonus"), required=False,
                                       initial=True)


class RecoveryForm(forms.Form):
    amount_vnd = forms.IntegerField(label=tr("Số tiền nộp lại (đồng)", "Amount paid back (VND)"), min_value=1,
                                    max_value=10**12)
    recovered_on = forms.DateField(label=tr("Ngày nộp", "Paid on"), widget=DATE)
    reference = forms.CharField(label=tr("Chứng từ", "Receipt"), max_length=120, required=False)
