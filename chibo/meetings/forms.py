"""The forms of the meetings pages: planning and preparing, rule sets, running, minutes, scoring.

Times are `common.forms.TimeField` (the one time reader); dates dd/mm/yyyy; every error names its field."""

import datetime as dt

from django import forms
from django.utils import timezone

from chibo.common.collation import name_order
from chibo.common.forms import DateField, Form, TimeField
from chibo.meetings.models import AttendanceStatus, Meeting, MeetingKind, MeetingStep, MotionKind
from chibo.meetings.services.scoring import field_name
from chibo.members.models import Member

# --- planning ------------------------------------------------------------------------------------


class WhenMixin:
    """A date (dd/mm/yyyy) and a time in Asia/Ho_Chi_Minh, combined into `scheduled_at`."""

    def when(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"]))


class MeetingForm(WhenMixin, Form):
    kind = forms.ChoiceField(label="Loại sinh hoạt", choices=MeetingKind.choices)
    day = DateField(label="Ngày họp")
    time = TimeField(label="Giờ họp")
    place = forms.CharField(label="Địa điểm", max_length=255, required=False)
    topic = forms.CharField(label="Chủ đề, nội dung chính", max_length=255, required=False)
    extra_reason = forms.CharField(
        label="Lý do họp thêm",
        max_length=255,
        required=False,
        help_text="Chỉ cần khi chi bộ đã có một buổi sinh hoạt thường kỳ khác trong tháng.",
    )


class MeetingEditForm(MeetingForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]


class RescheduleForm(WhenMixin, Form):
    day = DateField(label="Ngày họp mới")
    time = TimeField(label="Giờ họp mới")
    reason = forms.CharField(label="Lý do đổi lịch", max_length=255)
    extra_reason = forms.CharField(label="Lý do họp thêm (nếu có)", max_length=255, required=False)


class CancelForm(Form):
    reason = forms.CharField(label="Lý do hủy", max_length=255)


class PlanYearForm(Form):
    year = forms.IntegerField(label="Năm", min_value=2018, max_value=2100)
    day_from = forms.IntegerField(label="Họp thường kỳ từ ngày", min_value=1, max_value=31, initial=1)
    day_to = forms.IntegerField(label="đến ngày", min_value=1, max_value=31, initial=10)
    time = TimeField(label="Giờ họp", initial="19:30")
    weekends = forms.BooleanField(label="Có thể họp vào thứ Bảy, Chủ nhật", required=False)
    thematic_months = forms.MultipleChoiceField(
        label="Tháng sinh hoạt chuyên đề",
        choices=[(m, f"Tháng {m}") for m in range(1, 13)],
        initial=["3", "6", "9", "12"],
        widget=forms.CheckboxSelectMultiple,
    )
    place = forms.CharField(label="Địa điểm (nếu chung)", max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("year", "day_from", "day_to"):
            label = self.fields[name].label
            self.fields[name].error_messages.update(
                invalid=f"{label}: phải là một số.",
                min_value=f"{label}: giá trị quá nhỏ.",
                max_value=f"{label}: giá trị quá lớn.",
            )


class PrepareForm(Form):
    drafter = forms.ModelChoiceField(label="Người chuẩn bị dự thảo", queryset=None, required=False)
    prep_meeting_on = DateField(label="Ngày họp chi ủy chuẩn bị", required=False)

    def __init__(self, *args, roster=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drafter"].queryset = roster


class MaterialForm(Form):
    title = forms.CharField(label="Tên tài liệu", max_length=255)
    file = forms.FileField(label="Tệp (PDF, DOCX hoặc ảnh)")
    publish = forms.BooleanField(label="Gửi ngay cho đảng viên", required=False)


class AbsenceForm(Form):
    reason = forms.CharField(label="Lý do vắng", max_length=255)


class RuleSetCopyForm(Form):
    owner = forms.ModelChoiceField(label="Cấp ủy áp dụng", queryset=None)
    code = forms.SlugField(label="Mã bộ quy định", max_length=40)
    name = forms.CharField(label="Tên", max_length=255)
    valid_from = DateField(label="Áp dụng từ ngày")

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["code"].error_messages["invalid"] = "Mã bộ quy định: chỉ gồm chữ không dấu, số, gạch nối."


class RuleSetForm(Form):
    name = forms.CharField(label="Tên", max_length=255)
    valid_from = DateField(label="Áp dụng từ ngày")
    valid_until = DateField(label="Đến ngày (không kể)", required=False)
    min_minutes_regular = forms.IntegerField(
        label="Thời lượng sinh hoạt thường kỳ (phút)", min_value=15, max_value=600
    )
    min_minutes_thematic = forms.IntegerField(
        label="Thời lượng sinh hoạt chuyên đề (phút)", min_value=15, max_value=600
    )
    min_minutes_combined = forms.IntegerField(
        label="Thời lượng khi họp chung một buổi (phút)", min_value=15, max_value=600
    )
    materials_days_before = forms.IntegerField(label="Gửi tài liệu trước (ngày)", min_value=0, max_value=30)
    minutes_days_after = forms.IntegerField(label="Hoàn thành biên bản sau (ngày)", min_value=0, max_value=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField):
                field.error_messages.update(
                    invalid=f"{field.label}: phải là một số.",
                    min_value=f"{field.label}: giá trị quá nhỏ.",
                    max_value=f"{field.label}: giá trị quá lớn.",
                )


class RuleStepForm(Form):
    order = forms.IntegerField(label="Thứ tự", min_value=1, max_value=999)
    title = forms.CharField(label="Nội dung bước", max_length=255)
    mandatory = forms.BooleanField(label="Bắt buộc", required=False)


class RuleStepAddForm(Form):
    meeting_kind = forms.ChoiceField(label="Loại sinh hoạt", choices=MeetingKind.choices)
    title = forms.CharField(label="Nội dung bước", max_length=255)
    mandatory = forms.BooleanField(label="Bắt buộc", required=False)


class CriterionForm(Form):
    title = forms.CharField(label="Tiêu chí", max_length=255)
    max_points = forms.IntegerField(label="Điểm tối đa", min_value=0, max_value=100)
    full_marks_for_good = forms.BooleanField(label="Phải đạt điểm tối đa mới xếp loại Tốt", required=False)


# --- running -------------------------------------------------------------------------------------


def at(day: dt.date, time: dt.time | None) -> dt.datetime | None:
    """A local (Asia/Ho_Chi_Minh) day and time as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, time)) if time else None


class MemberField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class OfficersForm(Form):
    day = DateField(label="Ngày họp")
    start = TimeField(label="Bắt đầu lúc")
    chair = MemberField(label="Chủ trì", queryset=Member.objects.none(), required=False)
    minute_taker = MemberField(label="Thư ký", queryset=Member.objects.none(), required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("chair", "minute_taker"):
            self.fields[name].queryset = members
            self.fields[name].empty_label = "— chọn sau —"

    def started_at(self):
        return at(self.cleaned_data["day"], self.cleaned_data["start"])


class OfficersEditForm(Form):
    """Chair and minute-taker once the meeting is open (its times: TimesForm)."""

    chair = MemberField(label="Chủ trì", queryset=Member.objects.none(), required=False)
    minute_taker = MemberField(label="Thư ký", queryset=Member.objects.none(), required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("chair", "minute_taker"):
            self.fields[name].queryset = members
            self.fields[name].empty_label = "— chọn sau —"


CONFIRM_SHORT_LABEL = "Tôi xác nhận buổi sinh hoạt ngắn hơn thời lượng tối thiểu của bộ quy định"


class CloseForm(Form):
    day = DateField(label="Ngày kết thúc")
    end = TimeField(label="Kết thúc lúc")
    # Shown once the server found the meeting short (rules.short_problem); the service requires it.
    confirm_short = forms.BooleanField(label=CONFIRM_SHORT_LABEL, required=False)

    def __init__(self, *args, ask_short: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_short:
            del self.fields["confirm_short"]

    def confirmed_short(self) -> bool:
        return bool(self.cleaned_data.get("confirm_short"))

    def ended_at(self):
        return at(self.cleaned_data["day"], self.cleaned_data["end"])


class TimesForm(Form):
    """Correcting the recorded start and end until the minutes are approved."""

    start_day = DateField(label="Ngày bắt đầu")
    start = TimeField(label="Bắt đầu lúc")
    end_day = DateField(label="Ngày kết thúc", required=False)
    end = TimeField(label="Kết thúc lúc", required=False)
    confirm_short = forms.BooleanField(label=CONFIRM_SHORT_LABEL, required=False)

    def __init__(self, *args, held: bool, ask_short: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not held:
            del self.fields["end_day"], self.fields["end"]
        if not ask_short:
            del self.fields["confirm_short"]

    def confirmed_short(self) -> bool:
        return bool(self.cleaned_data.get("confirm_short"))

    def started_at(self):
        return at(self.cleaned_data["start_day"], self.cleaned_data["start"])

    def ended_at(self):
        if "end" not in self.fields or not self.cleaned_data.get("end_day"):
            return None
        return at(self.cleaned_data["end_day"], self.cleaned_data["end"])


class MeetingStepForm(Form):
    done = forms.TypedChoiceField(
        label="Đã thực hiện", choices=[("1", "có"), ("0", "không")], coerce=lambda v: v == "1", required=False
    )
    notes = forms.CharField(label="Ghi chép", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SpeechForm(Form):
    speaker = forms.ChoiceField(label="Người phát biểu")
    step = forms.ModelChoiceField(label="Trong bước", queryset=MeetingStep.objects.none(), required=False)
    gist = forms.CharField(label="Nội dung chính", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        members = [
            (f"m{a.member_id}", a.member.full_name)
            for a in meeting.attendances.select_related("member").order_by(*name_order("member__"))
        ]
        guests = [(f"g{g.pk}", f"{g.name} (khách mời)") for g in meeting.guests.all()]
        self.fields["speaker"].choices = [("", "— chọn —"), ("Đảng viên", members), ("Khách mời", guests)]
        self.fields["step"].queryset = meeting.steps.all()
        self.fields["step"].empty_label = "— không gắn với bước nào —"
        self.meeting = meeting

    def speaker_objects(self) -> dict:
        value = self.cleaned_data["speaker"]
        if value.startswith("m"):
            return {"member": Member.objects.get(pk=value[1:])}
        return {"guest": self.meeting.guests.get(pk=value[1:])}


class AttendanceForm(Form):
    status = forms.ChoiceField(label="Điểm danh", choices=AttendanceStatus.choices)
    reason = forms.CharField(label="Lý do vắng", max_length=255, required=False)
    accepted_by = forms.CharField(label="Người chấp nhận lý do", max_length=120, required=False)
    arrived = TimeField(label="Đến muộn lúc", required=False)
    left = TimeField(label="Về sớm lúc", required=False)


class GuestForm(Form):
    name = forms.CharField(label="Họ và tên khách mời", max_length=120)
    title = forms.CharField(label="Chức vụ, đơn vị", max_length=255, required=False)
    is_upper_level = forms.BooleanField(label="Đại diện cấp ủy cấp trên", required=False)


class VoteForm(Form):
    kind = forms.ChoiceField(label="Loại biểu quyết", choices=MotionKind.choices)
    motion = forms.CharField(label="Nội dung biểu quyết", max_length=255)
    in_favour = forms.IntegerField(label="Tán thành", min_value=0, max_value=9999)
    against = forms.IntegerField(label="Không tán thành", min_value=0, max_value=9999, initial=0)
    abstain = forms.IntegerField(label="Không biểu quyết", min_value=0, max_value=9999, initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in ("in_favour", "against", "abstain"):
            f = self.fields[field]
            f.widget.attrs["inputmode"] = "numeric"
            f.error_messages["invalid"] = f"{f.label}: phải là một số nguyên."
            f.error_messages["min_value"] = f"{f.label}: không được là số âm."
            f.error_messages["max_value"] = f"{f.label}: số quá lớn."


# --- minutes -------------------------------------------------------------------------------------


class MinutesForm(Form):
    number = forms.CharField(
        label="Số biên bản",
        max_length=40,
        required=False,
        help_text="Ví dụ 05-BB/CB. Để trống thì hệ thống tự đánh số khi thông qua.",
    )
    body = forms.CharField(
        label="Nội dung biên bản",
        widget=forms.Textarea(attrs={"rows": 24, "class": "minutes-text", "spellcheck": "true"}),
        help_text="Mỗi mục một dòng: «I. …» là phần, «1. …» là bước, «- …» là ý, dòng thụt vào hoặc «+ …» là ý nhỏ.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].error_messages["max_length"] = "Số biên bản: tối đa 40 ký tự."


class ApproveForm(Form):
    # The service refuses without it (minutes_approve); the box is part of the approve form itself.
    confirm = forms.BooleanField(
        label="Tôi xác nhận biên bản đã được đọc lại và chi bộ thông qua; sau khi thông qua, biên bản bị khóa",
        required=False,
    )


class AmendmentForm(Form):
    reason = forms.CharField(label="Lý do đính chính", max_length=255)
    text = forms.CharField(
        label="Nội dung đính chính",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Ghi rõ nội dung nào của biên bản được sửa thành thế nào.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["max_length"] = "Lý do đính chính: tối đa 255 ký tự."


# --- scoring -------------------------------------------------------------------------------------


class ScoreForm(Form):
    """One whole-number box per criterion of the sheet, 0 to its maximum; the box says which
    criterion an error is about, and carries the data's suggestion as help text."""

    def __init__(self, *args, criteria, suggestions, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            label = f"{c.order}. {c.title} (tối đa {c.max_points} điểm)"
            field = forms.IntegerField(label=label, min_value=0, max_value=c.max_points)
            field.widget.attrs.update({"inputmode": "numeric"})
            field.error_messages.update(
                {
                    "required": f"{c.title}: chưa nhập điểm.",
                    "invalid": f"{c.title}: điểm phải là số nguyên.",
                    "min_value": f"{c.title}: điểm phải từ 0 đến {c.max_points}.",
                    "max_value": f"{c.title}: điểm phải từ 0 đến {c.max_points}.",
                }
            )
            suggestion = suggestions.get(c.pk)
            if suggestion is not None:
                field.help_text = (
                    f"Gợi ý từ dữ liệu: {suggestion.points} điểm ({suggestion.reason}). "
                    "Người chấm có thể sửa."
                )
            if c.full_marks_for_good:
                field.help_text = (field.help_text + " " if field.help_text else "") + (
                    "Phải đạt điểm tối đa mới xếp loại Tốt."
                )
            self.fields[field_name(c.pk)] = field

    def points(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[field_name(c.pk)] for c in self.criteria}


class WarningsForm(Form):
    nam = forms.IntegerField(
        label="Năm",
        min_value=1930,
        max_value=2100,
        required=False,
        error_messages={
            "invalid": "Năm: hãy nhập một số nguyên, ví dụ 2025.",
            "min_value": "Năm: phải từ 1930 đến 2100.",
            "max_value": "Năm: phải từ 1930 đến 2100.",
        },
    )
