from django import forms


class OpenRoundForm(forms.Form):
    commune = forms.TypedChoiceField(label="Xã/phường", coerce=int)
    kind = forms.ChoiceField(label="Loại", choices=[("periodic", "Rà soát định kỳ (hằng năm)"),
                                                    ("regular", "Rà soát thường xuyên (hằng tháng)")])
    year = forms.IntegerField(label="Năm rà soát", min_value=2016, max_value=2030)
    month = forms.IntegerField(label="Tháng (rà soát thường xuyên)", min_value=1, max_value=12, required=False)
    posting_days = forms.IntegerField(label="Số ngày niêm yết", min_value=1, max_value=30, initial=3)

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(c.id, c.full_name) for c in communes]


class AddHouseholdForm(forms.Form):
    code = forms.CharField(label="Mã hộ", max_length=40)
    reason = forms.ChoiceField(label="Lý do", choices=[("requested", "Hộ có giấy đề nghị (Mẫu 01)"),
                                                       ("shock", "Hộ gặp rủi ro, biến cố"),
                                                       ("asked_escape", "Hộ đề nghị công nhận thoát nghèo")])


class MeetingForm(forms.Form):
    village = forms.TypedChoiceField(label="Thôn", coerce=int)
    held_on = forms.DateField(label="Ngày họp", widget=forms.DateInput(attrs={"type": "date"}))
    chaired_by = forms.CharField(label="Chủ trì", max_length=120)
    attendees = forms.IntegerField(label="Số người dự họp", min_value=1)
    minutes = forms.CharField(label="Biên bản họp (tóm tắt)", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.id, v.name) for v in villages]


class PostingForm(forms.Form):
    posted_from = forms.DateField(label="Niêm yết từ ngày", widget=forms.DateInput(attrs={"type": "date"}))
    places = forms.CharField(label="Nơi niêm yết", max_length=300,
                             initial="Trụ sở UBND xã; nhà văn hóa các thôn")


class ComplaintForm(forms.Form):
    code = forms.CharField(label="Mã hộ bị khiếu nại / đề nghị phúc tra", max_length=40)
    received_on = forms.DateField(label="Ngày nhận", widget=forms.DateInput(attrs={"type": "date"}))
    complainant = forms.CharField(label="Người khiếu nại", max_length=120)
    content = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label="Kết quả", choices=[("upheld", "Chấp nhận – phúc tra lại"),
                                                         ("rejected", "Không chấp nhận")])
    resolution = forms.CharField(label="Nội dung giải quyết", widget=forms.Textarea(attrs={"rows": 2}))
    income = forms.FloatField(label="Thu nhập phúc tra (nếu chấp nhận)", required=False, min_value=0)


class RecogniseForm(forms.Form):
    decision_no = forms.CharField(label="Số quyết định", max_length=60)
    decision_date = forms.DateField(label="Ngày quyết định", widget=forms.DateInput(attrs={"type": "date"}))
    decided_by = forms.CharField(label="Chủ tịch UBND xã", max_length=120)
