from django import forms
from django.core.exceptions import ValidationError

from chungtay.households import bounds
from chungtay.i18n import tr
from chungtay.web.forms import VNNumberField, pair


class OpenRoundForm(forms.Form):
    commune = forms.TypedChoiceField(label=tr("Xã/phường", "Commune"), coerce=int)
    kind = forms.ChoiceField(label=tr("Loại", "Kind"), choices=[("periodic", tr("Rà soát định kỳ (hằng năm)", "Periodic review (yearly)")),
                                                    ("regular", tr("Rà soát thường xuyên (hằng tháng)", "Regular review (monthly)"))])
    year = forms.IntegerField(label=tr("Năm rà soát", "Review year"), min_value=2016, max_value=2030)
    month = forms.IntegerField(label=tr("Tháng (rà soát thường xuyên)", "Month (regular review)"), min_value=1, max_value=12, required=False)
    posting_days = forms.IntegerField(label=tr("Số ngày niêm yết", "Days of public posting"), min_value=1, max_value=30, initial=3)

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(c.id, c.full_name) for c in communes]


class AddHouseholdForm(forms.Form):
    code = forms.CharField(label=tr("Mã hộ", "Household code"), max_length=40)
    reason = forms.ChoiceField(label=tr("Lý do", "Reason"), choices=[("requested", tr("Hộ có giấy đề nghị (Mẫu 01)", "The household applied (form 01)")),
                                                       ("shock", tr("Hộ gặp rủi ro, biến cố", "The household suffered a shock")),
                                                       ("asked_escape", tr("Hộ đề nghị công nhận thoát nghèo", "The household asks to be recognised as out of poverty"))])


class MeetingForm(forms.Form):
    village = forms.TypedChoiceField(label=tr("Thôn", "Village"), coerce=int)
    held_on = forms.DateField(label=tr("Ngày họp", "Meeting date"), widget=forms.DateInput(attrs={"type": "date"}))
    chaired_by = forms.CharField(label=tr("Chủ trì", "Chaired by"), max_length=120)
    attendees = forms.IntegerField(label=tr("Số người dự họp", "Attendees"), min_value=1, max_value=100_000)
    minutes = forms.CharField(label=tr("Biên bản họp (tóm tắt)", "Minutes (summary)"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        from chungtay.units.labels import labels_for
        labels = labels_for(villages)
        self.fields["village"].choices = [(v.id, labels.get(v.id, v.name)) for v in villages]


class PostingForm(forms.Form):
    posted_from = forms.DateField(label=tr("Niêm yết từ ngày", "Posted from"), widget=forms.DateInput(attrs={"type": "date"}))
    places = forms.CharField(label=tr("Nơi niêm yết", "Posted at"), max_length=300,
                             initial="Trụ sở UBND xã; nhà văn hóa các thôn")


class ComplaintForm(forms.Form):
    code = forms.CharField(label=tr("Mã hộ bị khiếu nại / đề nghị phúc tra", "Household complained about"), max_length=40)
    received_on = forms.DateField(label=tr("Ngày nhận", "Received on"), widget=forms.DateInput(attrs={"type": "date"}))
    complainant = forms.CharField(label=tr("Người khiếu nại", "Complainant"), max_length=120)
    content = forms.CharField(label=tr("Nội dung", "Content"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label=tr("Kết quả", "Outcome"),
                                choices=[("upheld", tr("Chấp nhận – phúc tra lại", "Upheld – re-check")),
                                         ("rejected", tr("Không chấp nhận", "Rejected"))])
    resolution = forms.CharField(label=tr("Nội dung giải quyết", "Resolution"), max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    income = VNNumberField(label=tr("Thu nhập phúc tra (nếu chấp nhận)", "Income re-checked (if upheld)"),
                           required=False)

    def clean_income(self):
        v = self.cleaned_data.get("income")
        if v is not None:
            err = bounds.income_error(v)
            if err:
                raise ValidationError(pair(err))
            v = round(v)
        return v


class RecogniseForm(forms.Form):
    decision_no = forms.CharField(label=tr("Số quyết định", "Decision number"), max_length=60)
    decision_date = forms.DateField(label=tr("Ngày quyết định", "Decision date"), widget=forms.DateInput(attrs={"type": "date"}))
    decided_by = forms.CharField(label=tr("Chủ tịch UBND xã", "Chair of the commune committee"), max_length=120)
