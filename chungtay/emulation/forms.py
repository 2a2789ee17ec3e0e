"""Forms of the emulation pages (labels Vietnamese first; the views turn them into actions)."""
from __future__ import annotations

import datetime as dt
import json

from django import forms
from django.core.exceptions import ValidationError

from chungtay.i18n import tr

from .models import ACTIVITY_KINDS, LEVELS, Cluster, ClusterMember, Participant

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YEAR = {"min_value": 2000, "max_value": 2100}

KON_TUM_CONTENTS = """Các tập thể, cá nhân, gia đình đóng góp công sức, trí tuệ, vật chất giúp đỡ các địa phương, hộ nghèo đăng ký thoát nghèo
Các sở, ban, ngành, đoàn thể đổi mới công tác tuyên truyền, thực hiện chính sách giảm nghèo
Doanh nghiệp, đơn vị lực lượng vũ trang hỗ trợ các địa phương nghèo
UBND huyện, xã xây dựng lộ trình, huy động nguồn lực để hộ nghèo thoát nghèo, hộ cận nghèo vươn lên, hạn chế tái nghèo
Thôn, làng giúp nhau thoát nghèo, vươn lên khá giả
Hộ gia đình phấn đấu thoát nghèo và giúp đỡ hộ khác"""


def _choices(pairs):
    return [(k, tr(vi, en)) for k, vi, en in pairs]


class LaunchForm(forms.Form):
    name = forms.CharField(label=tr("Tên phong trào", "Name of the movement"), max_length=300)
    level = forms.ChoiceField(label=tr("Cấp phát động", "Level"))
    unit = forms.TypedChoiceField(label=tr("Đơn vị phát động", "Launching unit"), coerce=int, required=False,
                                  empty_value=None)
    decision_no = forms.CharField(label=tr("Số quyết định / kế hoạch", "Decision / plan number"), max_length=60)
    decision_date = forms.DateField(label=tr("Ngày ban hành", "Date"), widget=DATE)
    issuer = forms.CharField(label=tr("Cơ quan ban hành", "Issuer"), max_length=200)
    parent = forms.TypedChoiceField(label=tr("Phát triển từ phong trào cấp trên", "Derived from the movement above"),
                                    coerce=int, required=False, empty_value=None)
    start_year = forms.IntegerField(label=tr("Từ năm", "From"), **YEAR)
    end_year = forms.IntegerField(label=tr("Đến năm", "To"), **YEAR)
    goals = forms.TypedMultipleChoiceField(label=tr("Mục tiêu (chỉ tiêu của kế hoạch)", "Goals (targets of the plan)"),
                                           coerce=int, required=False, widget=forms.CheckboxSelectMultiple)
    goal_text = forms.CharField(label=tr("Mục tiêu khác", "Other goals"), required=False, max_length=4000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    contents = forms.CharField(label=tr("Nội dung (mỗi dòng một nội dung)", "Contents (one a line)"), required=False,
                               max_length=20000, widget=forms.Textarea(attrs={"rows": 6}), initial=KON_TUM_CONTENTS)

    def __init__(self, *args, units=(), parents=(), targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = _choices([x for x in LEVELS if x[0] != "national"])
        self.fields["unit"].choices = [("", "—")] + [(u.id, u.full_name) for u in units]
        self.fields["parent"].choices = [("", "—")] + [(m.id, str(m)) for m in parents]
        self.fields["goals"].choices = [(t.id, f"{t.plan} · {t.get_metric_display()} · {t.unit.full_name}")
                                        for t in targets]

    def clean(self):
        cd = super().clean()
        if cd.get("start_year") and cd.get("end_year") and cd["end_year"] < cd["start_year"]:
            self.add_error("end_year", tr("Năm kết thúc trước năm bắt đầu", "The end year is before the start year"))
        return cd


class ParticipantForm(forms.Form):
    kind = forms.ChoiceField(label=tr("Loại đối tượng", "Kind"))
    unit = forms.TypedChoiceField(label=tr("Đơn vị (xã, thôn)", "Unit (commune, village)"), coerce=int,
                                  required=False, empty_value=None)
    partner = forms.TypedChoiceField(label=tr("Cơ quan, tổ chức, doanh nghiệp", "Organisation"), coerce=int,
                                     required=False, empty_value=None)
    household_code = forms.CharField(label=tr("Mã hộ", "Household code"), max_length=40, required=False)

    def __init__(self, *args, units=(), partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        from chungtay.units.labels import labels_for
        self.fields["kind"].choices = _choices(Participant.KINDS)
        units = list(units)
        names = labels_for(units)            # villages of the same name told apart by their old commune
        self.fields["unit"].choices = [("", "—")] + [(u.id, names[u.id]) for u in units]
        self.fields["partner"].choices = [("", "—")] + [(p.id, p.name) for p in partners]

    def clean(self):
        cd = super().clean()
        need = {"unit": "unit", "partner": "partner", "household": "household_code"}.get(cd.get("kind"))
        if need and not cd.get(need):
            self.add_error(need, tr("Cần chọn đối tượng", "Choose the participant"))
        return cd


class ClusterForm(forms.Form):
    name = forms.CharField(label=tr("Tên cụm, khối", "Name"), max_length=200)
    kind = forms.ChoiceField(label=tr("Loại", "Kind"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _choices(Cluster.KINDS)


class MemberForm(forms.Form):
    cluster = forms.TypedChoiceField(label=tr("Cụm, khối", "Cluster"), coerce=int)
    participant = forms.TypedChoiceField(label=tr("Đối tượng", "Participant"), coerce=int)
    year = forms.IntegerField(label=tr("Năm", "Year"), **YEAR)
    role = forms.ChoiceField(label=tr("Vai trò", "Role"))

    def __init__(self, *args, clusters=(), participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [(c.id, c.name) for c in clusters]
        self.fields["participant"].choices = [(p.id, p.name) for p in participants]
        self.fields["role"].choices = _choices(ClusterMember.ROLES)


def parse_targets(text: str) -> list[tuple[str, ...]]:
    """One target a line: ``nội dung | đơn vị tính | giá trị kế hoạch [| ghi chú]``."""
    rows = []
    for i, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 3:
            raise ValidationError(tr(f"Dòng {i}: cần 'nội dung | đơn vị tính | giá trị kế hoạch'",
                                     f"Line {i}: use 'content | unit of measure | planned value'"))
        rows.append(tuple(parts[:4]))
    return rows


class RegistrationForm(forms.Form):
    participant = forms.TypedChoiceField(label=tr("Đối tượng", "Participant"), coerce=int)
    year = forms.IntegerField(label=tr("Năm", "Year"), **YEAR)
    titles = forms.CharField(label=tr("Danh hiệu đăng ký (mỗi dòng một danh hiệu)", "Titles aimed for (one a line)"),
                             required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    targets = forms.CharField(label=tr("Chỉ tiêu đăng ký: nội dung | đơn vị tính | giá trị kế hoạch (mỗi dòng một chỉ tiêu)",
                                       "Targets: content | unit of measure | planned value (one a line)"),
                              required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))
    registered_on = forms.DateField(label=tr("Ngày đăng ký", "Registered on"), widget=DATE, initial=dt.date.today)
    note = forms.CharField(label=tr("Ghi chú", "Note"), max_length=300, required=False)

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [(p.id, p.name) for p in participants]

    def clean_targets(self):
        return parse_targets(self.cleaned_data.get("targets", ""))

    def clean_titles(self):
        return [t.strip() for t in self.cleaned_data.get("titles", "").splitlines() if t.strip()]


class PactForm(forms.Form):
    cluster = forms.TypedChoiceField(label=tr("Cụm, khối", "Cluster"), coerce=int)
    year = forms.IntegerField(label=tr("Năm", "Year"), **YEAR)
    title = forms.CharField(label=tr("Tên giao ước", "Title"), max_length=300)
    clauses = forms.CharField(label=tr("Nội dung giao ước", "Clauses"), max_length=20000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    signed_on = forms.DateField(label=tr("Ngày ký", "Signed on"), widget=DATE)
    parties = forms.TypedMultipleChoiceField(label=tr("Các bên ký", "Parties"), coerce=int,
                                             widget=forms.CheckboxSelectMultiple)
    scan = forms.FileField(label=tr("Bản ký quét (PDF, JPEG, PNG)", "Signed scan (PDF, JPEG, PNG)"), required=False)

    def __init__(self, *args, clusters=(), participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [(c.id, c.name) for c in clusters]
        self.fields["parties"].choices = [(p.id, p.name) for p in participants]


def _ids(text: str, label_vi: str, label_en: str) -> list[int]:
    out = []
    for tok in (text or "").replace(";", ",").replace(" ", ",").split(","):
        if not tok.strip():
            continue
        if not tok.strip().isdigit() or len(tok.strip()) > 12:
            raise ValidationError(tr(f"{label_vi}: '{tok.strip()[:20]}' không phải là số",
                                     f"{label_en}: '{tok.strip()[:20]}' is not a number"))
        out.append(int(tok))
    return out


class ActivityForm(forms.Form):
    participant = forms.TypedChoiceField(label=tr("Đối tượng thực hiện", "Participant"), coerce=int)
    content = forms.TypedChoiceField(label=tr("Thuộc nội dung", "Content"), coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(label=tr("Loại hoạt động", "Kind"))
    title = forms.CharField(label=tr("Hoạt động", "Activity"), max_length=300)
    date = forms.DateField(label=tr("Ngày", "Date"), widget=DATE)
    quantity = forms.DecimalField(label=tr("Số lượng", "Quantity"), required=False, max_digits=16, decimal_places=3,
                                  min_value=0)
    unit_of_measure = forms.CharField(label=tr("Đơn vị tính (cụm pano, áp phích, lớp…)", "Unit (billboards, posters, courses…)"),
                                      max_length=40, required=False)
    reached = forms.IntegerField(label=tr("Số đơn vị tham gia", "Units taking part"), required=False, min_value=0,
                                 max_value=10**9)
    invited = forms.IntegerField(label=tr("Trên tổng số được mời", "Out of those invited"), required=False, min_value=0,
                                 max_value=10**9)
    story = forms.CharField(label=tr("Câu chuyện, thành tích (gương điển hình)", "Story (exemplary people)"),
                            required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3}))
    supports = forms.CharField(label=tr("Mã các hỗ trợ đã ghi (số, cách nhau bằng dấu phẩy)",
                                        "Ids of supports already recorded (comma-separated)"), required=False,
                               max_length=4000)
    donations = forms.CharField(label=tr("Mã các khoản ủng hộ Quỹ đã ghi", "Ids of donations already recorded"),
                                required=False, max_length=4000)
    evidence = forms.FileField(label=tr("Minh chứng (ảnh, PDF)", "Evidence (photo, PDF)"), required=False)

    def __init__(self, *args, participants=(), contents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [(p.id, p.name) for p in participants]
        self.fields["content"].choices = [("", "—")] + [(c.id, f"{c.number}. {c.title[:80]}") for c in contents]
        self.fields["kind"].choices = _choices(ACTIVITY_KINDS)

    def clean_supports(self):
        return _ids(self.cleaned_data.get("supports", ""), "Hỗ trợ", "Supports")

    def clean_donations(self):
        return _ids(self.cleaned_data.get("donations", ""), "Khoản ủng hộ", "Donations")


class CriteriaForm(forms.Form):
    table = forms.CharField(label=tr("Bảng tiêu chí (JSON, định dạng của lệnh chungtay emulation score)",
                                     "Criteria table (JSON, the format of chungtay emulation score)"),
                            max_length=200_000, widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}))

    def clean_table(self):
        try:
            return json.loads(self.cleaned_data["table"])
        except ValueError as e:
            raise ValidationError(tr(f"JSON không hợp lệ: {e}", f"Malformed JSON: {e}")) from None


class RunForm(forms.Form):
    criteria_set = forms.TypedChoiceField(label=tr("Bộ tiêu chí", "Criteria set"), coerce=int)
    year = forms.IntegerField(label=tr("Năm chấm điểm", "Year scored"), **YEAR)

    def __init__(self, *args, sets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].choices = [(s.id, str(s)) for s in sets]


class ValueForm(forms.Form):
    participant = forms.TypedChoiceField(label=tr("Đối tượng", "Participant"), coerce=int)
    criterion = forms.ChoiceField(label=tr("Tiêu chí", "Criterion"))
    value = forms.CharField(label=tr("Giá trị", "Value"), max_length=40)
    # required by actions.enter_value unless the value already has a file (a re-check or the council
    # keeping the unit's evidence); the form cannot know which, the action says so on this field
    evidence = forms.FileField(
        label=tr("Minh chứng (ảnh, PDF; bắt buộc nếu giá trị chưa có minh chứng)",
                 "Evidence (photo, PDF; required unless the value already has one)"), required=False)

    def __init__(self, *args, participants=(), criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [(p.id, p.name) for p in participants]
        self.fields["criterion"].choices = list(criteria)


class PublishForm(forms.Form):
    comment_days = forms.IntegerField(label=tr("Số ngày lấy ý kiến công khai", "Days of public comment"),
                                      min_value=1, max_value=90, initial=15, required=False)
