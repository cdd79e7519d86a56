from django import forms

from chibo.common.forms import DateField, Form, ModelForm
from chibo.members.models import TrainingKind
from chibo.training.models import Course, ParticipationStatus


class CourseForm(ModelForm):
    class Meta:
        model = Course
        fields = [
            "title",
            "kind",
            "organiser",
            "organiser_name",
            "starts_on",
            "ends_on",
            "place",
            "online",
            "hours",
        ]

    def __init__(self, *args, organisers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers
        self.fields["organiser"].label_from_instance = lambda o: f"{o.code} · {o.name}"
        self.fields["hours"].min_value = 1
        self.fields["hours"].widget.attrs["min"] = 1


class EnrolForm(Form):
    card_numbers = forms.CharField(
        label="Số thẻ đảng viên",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Mỗi dòng một số thẻ; chỉ đảng viên của chi bộ bạn quản lý.",
    )

    def numbers(self) -> list[str]:
        text = self.cleaned_data["card_numbers"].replace(",", "\n").replace(";", "\n")
        return list(dict.fromkeys(n.strip() for n in text.splitlines() if n.strip()))


class StatusForm(Form):
    status = forms.ChoiceField(label="Trạng thái", choices=ParticipationStatus.choices)
    certificate_number = forms.CharField(label="Số chứng chỉ", max_length=60, required=False)
    completed_on = DateField(label="Ngày hoàn thành", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shown without labels in a table row: the placeholder and aria-label say what each box is.
        for name, field in self.fields.items():
            field.widget.attrs["aria-label"] = field.label
            if name == "certificate_number":
                field.widget.attrs["placeholder"] = "Số chứng chỉ"
        self.fields["completed_on"].widget.attrs["placeholder"] = "Ngày hoàn thành dd/mm/yyyy"


class GapDayForm(Form):
    ngay = DateField(label="Tính đến ngày", required=False)


class EnrolMissingForm(Form):
    course = forms.ModelChoiceField(label="Khóa bồi dưỡng", queryset=None, empty_label="— Chọn khóa —")

    def __init__(self, *args, courses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.fields["course"].error_messages["invalid_choice"] = "Khóa bồi dưỡng: hãy chọn một khóa chưa kết thúc."
        self.fields["course"].label_from_instance = lambda c: (
            f"{c.title} ({c.starts_on:%d/%m/%Y}–{c.ends_on:%d/%m/%Y}, {c.organiser_label})"
        )


class CourseFilterForm(Form):
    q = forms.CharField(label="Tìm tên lớp", required=False)
    kind = forms.ChoiceField(label="Loại", required=False, choices=[("", "Tất cả"), *TrainingKind.choices])
    sap_toi = forms.BooleanField(label="Chỉ lớp chưa kết thúc", required=False)
