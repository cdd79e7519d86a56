from django import forms

from chibo.common.dates import today
from chibo.common.forms import DateField, Form, ModelForm
from chibo.common.pickers import PickerSelect
from chibo.members.models import LeaveReason, Member, PositionKind, TrainingKind, TrainingRecord
from chibo.members.rules import member_dates_problem, membership_start_problem
from chibo.orgs.access import writable_cells
from chibo.orgs.forms import OrgChoiceField
from chibo.orgs.models import Organisation

NOT_WRITABLE = (
    "{label}: bạn không có quyền quản lý chi bộ này (chỉ chọn được chi bộ trong phạm vi bạn phụ trách)."
)


def _cells_field(label: str) -> OrgChoiceField:
    # A ward has some forty cells: a search box finds one faster than a long list on a phone.
    picker = PickerSelect(search="orgs:search", params={"loai": "chi-bo"}, placeholder="Gõ tên hoặc mã chi bộ")
    field = OrgChoiceField(label=label, queryset=Organisation.objects.none(), widget=picker)
    return field


def _scope_cells(form: forms.BaseForm, name: str, user) -> None:
    # Only cells the user may write are offered and accepted: a posted id outside them is refused here.
    qs = writable_cells(user).filter(dissolved_on__isnull=True).order_by("path")
    field = form.fields[name]
    field.queryset = qs
    field.error_messages["invalid_choice"] = NOT_WRITABLE.format(label=field.label)


class MemberForm(ModelForm):
    class Meta:
        model = Member
        fields = [
            "full_name",
            "gender",
            "birth_date",
            "card_number",
            "citizen_id",
            "phone",
            "email",
            "admitted_on",
            "official_on",
            "work_status",
        ]
        help_texts = {"official_on": "Để trống nếu còn là đảng viên dự bị."}

    def clean(self):
        data = super().clean()
        problem = member_dates_problem(
            birth_date=data.get("birth_date"),
            admitted_on=data.get("admitted_on"),
            official_on=data.get("official_on"),
            today=today(),
        )
        if problem:
            self.add_error(*problem)
        return data


class MemberCreateForm(MemberForm):
    """A new member comes with the official membership that puts them in a cell."""

    cell = _cells_field("Chi bộ sinh hoạt")
    joined_on = DateField(label="Sinh hoạt tại chi bộ từ ngày", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _scope_cells(self, "cell", user)
        self.fields["joined_on"].help_text = "Để trống thì lấy ngày vào Đảng."

    def clean(self):
        data = super().clean()
        joined_on, admitted_on = data.get("joined_on"), data.get("admitted_on")
        if joined_on and admitted_on:
            problem = membership_start_problem(
                start=joined_on, admitted_on=admitted_on, member_name=data.get("full_name") or "này"
            )
            if problem:
                self.add_error("joined_on", problem[1])
        return data


class TransferForm(Form):
    to_cell = _cells_field("Chuyển đến chi bộ")
    on = DateField(label="Ngày chuyển")
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The current cell stays in the list: choosing it (or posting twice) gets the service's clear error.
        _scope_cells(self, "to_cell", user)


class TemporaryForm(Form):
    cell = _cells_field("Chi bộ sinh hoạt tạm thời")
    valid_from = DateField(label="Từ ngày")
    valid_until = DateField(label="Đến ngày", help_text="Từ 3 đến 12 tháng (đi học tối đa 24 tháng).")
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _scope_cells(self, "cell", user)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.card_number})"


class PositionForm(Form):
    member = MemberChoiceField(
        label="Đảng viên",
        queryset=Member.objects.none(),
        widget=PickerSelect(search="members:search", placeholder="Gõ tên hoặc số thẻ đảng viên"),
    )
    kind = forms.ChoiceField(label="Chức vụ", choices=PositionKind.choices)
    valid_from = DateField(label="Nhiệm kỳ từ ngày")
    valid_until = DateField(label="Đến ngày", required=False, help_text="Để trống nếu chưa hết nhiệm kỳ.")
    decision_ref = forms.CharField(label="Số quyết định", max_length=60, required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].error_messages["invalid_choice"] = (
            "Đảng viên: chỉ chọn được đảng viên đang sinh hoạt tại chi bộ."
        )


class EndForm(Form):
    """Ending a dated fact (a term, an exemption) on a day."""

    on = DateField(label="Ngày kết thúc")


class LeaveForm(Form):
    """Leaving the party: the view asks for a confirmation before the service runs."""

    on = DateField(label="Ngày ra khỏi Đảng")
    reason = forms.ChoiceField(label="Lý do", choices=[("", "— Chọn lý do —"), *LeaveReason.choices])
    note = forms.CharField(label="Ghi chú (số quyết định...)", max_length=255, required=False)


class ExemptionForm(Form):
    valid_from = DateField(label="Từ ngày")
    valid_until = DateField(label="Đến ngày", required=False, help_text="Để trống: cho đến khi xin trở lại.")
    reason = forms.CharField(label="Lý do", max_length=255)
    decision_ref = forms.CharField(label="Số quyết định", max_length=60, required=False)


class TrainingForm(ModelForm):
    class Meta:
        model = TrainingRecord
        fields = ["course_title", "kind", "organiser", "started_on", "ended_on", "completed"]

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member

    def clean(self):
        data = super().clean()
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", "Đến ngày: phải sau ngày bắt đầu.")
        # A form posted twice must not record the same course twice.
        if (
            start
            and data.get("course_title")
            and TrainingRecord.objects.filter(
                member=self.member, course_title=data["course_title"].strip(), started_on=start
            ).exists()
        ):
            self.add_error("course_title", "Tên lớp: đảng viên đã có lớp này với cùng ngày bắt đầu.")
        return data


class ExemptionFilterForm(Form):
    q = forms.CharField(label="Tên đảng viên", required=False)
    on = DateField(label="Đang miễn vào ngày", required=False)


class TrainingFilterForm(Form):
    q = forms.CharField(label="Tên đảng viên", required=False)
    kind = forms.ChoiceField(label="Loại", choices=[("", "Tất cả"), *TrainingKind.choices], required=False)
    completed = forms.ChoiceField(
        label="Hoàn thành",
        choices=[("", "Tất cả"), ("1", "Đã hoàn thành"), ("0", "Chưa hoàn thành")],
        required=False,
    )
    year = forms.IntegerField(label="Năm", required=False, min_value=1930, max_value=2100)
