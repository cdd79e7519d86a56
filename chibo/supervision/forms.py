"""Forms of the supervision pages: they parse input; the rules stay in services."""

from django import forms
from django.contrib.auth import get_user_model

from chibo.common.forms import DateField, Form
from chibo.common.people import person_name
from chibo.orgs.models import Organisation
from chibo.supervision.models import ASPECTS, Rating


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_name(obj)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} · {obj.name}"


class AssignmentForm(Form):
    user = UserChoiceField(label="Cấp ủy viên phụ trách", queryset=get_user_model().objects.none())
    unit = UnitChoiceField(label="Đơn vị theo dõi", queryset=Organisation.objects.none())
    valid_from = DateField(label="Từ ngày")
    valid_until = DateField(label="Đến ngày", required=False, help_text="Để trống nếu chưa hết nhiệm kỳ.")
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, users, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["unit"].queryset = units
        self.fields["user"].error_messages["invalid_choice"] = (
            "Cấp ủy viên phụ trách: người được chọn không thuộc cấp ủy này."
        )
        self.fields["unit"].error_messages["invalid_choice"] = (
            "Đơn vị theo dõi: đơn vị được chọn không trực thuộc cấp ủy này."
        )


class EndAssignmentForm(Form):
    valid_until = DateField(label="Kết thúc từ ngày", help_text="Ngày đầu tiên không còn phụ trách.")


class ObservationForm(Form):
    """The five ratings as radio buttons with a short comment each, then what went well and what to fix."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in ASPECTS:
            self.fields[code] = forms.ChoiceField(
                label=label, choices=Rating.choices, widget=forms.RadioSelect(attrs={"class": "rating"})
            )
            self.fields[code].error_messages["required"] = f"{label}: hãy chọn Tốt, Khá, Trung bình hoặc Yếu."
            self.fields[code].error_messages["invalid_choice"] = f"{label}: lựa chọn không hợp lệ."
            self.fields[f"{code}_comment"] = forms.CharField(
                label=f"Nhận xét ({label.lower()})",
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs={"placeholder": "Nhận xét ngắn (không bắt buộc)"}),
            )
        self.fields["went_well"] = forms.CharField(
            label="Ưu điểm", required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
        self.fields["to_fix"] = forms.CharField(
            label="Hạn chế cần khắc phục", required=False, widget=forms.Textarea(attrs={"rows": 2})
        )

    def aspect_fields(self):
        return [(self[code], self[f"{code}_comment"]) for code, _ in ASPECTS]


class VisitForm(ObservationForm):
    """The observation plus, optionally, the first recommendation (more can be added on the visit page)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rec_text"] = forms.CharField(
            label="Kiến nghị với chi bộ",
            required=False,
            widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Để trống nếu không có kiến nghị"}),
        )
        self.fields["rec_due_on"] = DateField(label="Hạn trả lời kiến nghị", required=False)


class RecommendationForm(Form):
    text = forms.CharField(label="Nội dung kiến nghị", widget=forms.Textarea(attrs={"rows": 2}))
    due_on = DateField(label="Hạn trả lời")


class AnswerForm(Form):
    answer = forms.CharField(
        label="Trả lời của chi bộ",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Chi bộ đã khắc phục thế nào"}),
    )


class CloseForm(Form):
    note = forms.CharField(label="Ý kiến khi kết thúc", required=False, max_length=500)
