import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from chibo.common.forms import DateField, Form, TimeField
from chibo.common.pickers import PickerCheckboxes
from chibo.materials.models import Audience, MaterialKind
from chibo.meetings.services.preparation import MATERIAL_MAX_BYTES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one box; each is checked by the service (type, content, size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.jpg,.jpeg,.png,.webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class MonthField(forms.CharField):
    """mm/yyyy, the first day of that month."""

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        month, _, year = value.partition("/")
        try:
            return dt.date(int(year), int(month), 1)
        except ValueError:
            raise ValidationError(f"{self.label}: hãy nhập theo dạng mm/yyyy, ví dụ 03/2025.") from None


class PublishForm(Form):
    kind = forms.ChoiceField(label="Loại tài liệu", choices=MaterialKind.choices)
    title = forms.CharField(label="Tiêu đề", max_length=255)
    summary = forms.CharField(label="Tóm tắt", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    month = MonthField(label="Tháng (mm/yyyy)", required=False, help_text="Với tài liệu sinh hoạt tháng.")
    topic = forms.CharField(label="Chuyên đề", max_length=255, required=False)
    period_start = DateField(label="Dùng từ ngày", required=False)
    period_end = DateField(label="Dùng đến ngày", required=False)
    publish_on = DateField(label="Công bố ngày", required=False, help_text="Để trống: công bố ngay.")
    publish_time = TimeField(label="Công bố lúc (giờ:phút)", required=False, initial="07:00")
    audience = forms.ChoiceField(label="Gửi đến", choices=Audience.choices, widget=forms.RadioSelect)
    units = forms.ModelMultipleChoiceField(
        label="Đơn vị nhận",
        queryset=None,
        required=False,
        widget=PickerCheckboxes(search="orgs:search", placeholder="Gõ tên hoặc mã đơn vị"),
    )
    files = MultipleFileField(
        label="Tệp (PDF, DOCX, ảnh)",
        required=False,
        help_text=f"Tối đa {MATERIAL_MAX_BYTES // (1024 * 1024)} MB mỗi tệp; chọn được nhiều tệp.",
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
        self.fields["units"].label_from_instance = lambda o: f"{o.code} · {o.name}"
        self.fields["units"].error_messages["invalid_choice"] = "Đơn vị nhận: lựa chọn không hợp lệ."
        self.fields["publish_time"].error_messages["invalid"] = "Công bố lúc: hãy nhập giờ:phút, ví dụ 07:30."

    def publish_at(self):
        day = self.cleaned_data.get("publish_on")
        if day is None:
            return None
        at = self.cleaned_data.get("publish_time") or dt.time(7, 0)
        return timezone.make_aware(dt.datetime.combine(day, at))


class FilesForm(Form):
    files = MultipleFileField(label="Thêm tệp (PDF, DOCX, ảnh)")


class AttachForm(Form):
    meeting = forms.ModelChoiceField(label="Buổi sinh hoạt", queryset=None, empty_label="— chọn buổi —")

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{m.cell.code} · {m.get_kind_display()} {timezone.localtime(m.scheduled_at):%H:%M %d/%m/%Y}"
        )


class SearchForm(Form):
    q = forms.CharField(label="Tìm (tiêu đề, tóm tắt, nội dung tệp)", required=False, max_length=200)
    kind = forms.ChoiceField(label="Loại", choices=[("", "Tất cả")] + MaterialKind.choices, required=False)
