"""Forms of the meeting-side pages: assigning tasks, correcting one, evaluating one at the "review tasks"
step, and editing a resolution or conclusion. Rules stay in services; these only parse input."""

from django import forms
from django.utils import timezone

from chibo.common.forms import DateField, Form
from chibo.members.models import Member
from chibo.resolutions.models import TaskStatus
from chibo.resolutions.rules import EVALUATION_OUTCOMES


class MembersField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.full_name


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        moment = timezone.localtime(obj.started_at or obj.scheduled_at)
        return f"{obj.get_kind_display()} {moment:%d/%m/%Y}"


class AssignForm(Form):
    """One text for several members: the service makes one task per member."""

    members = MembersField(label="Đảng viên nhận nhiệm vụ", queryset=Member.objects.none())
    text = forms.CharField(label="Nội dung nhiệm vụ", widget=forms.Textarea(attrs={"rows": 3}))
    due_on = DateField(label="Hạn hoàn thành")
    report_meeting = MeetingChoiceField(
        label="Báo cáo tại buổi sinh hoạt",
        queryset=None,
        required=False,
        help_text="Để trống: buổi sinh hoạt thường kỳ kế tiếp của chi bộ.",
    )

    def __init__(self, *args, members, later_meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        self.fields["members"].error_messages["required"] = (
            "Đảng viên: chọn ít nhất một đảng viên nhận nhiệm vụ."
        )
        self.fields["members"].error_messages["invalid_choice"] = (
            "Đảng viên: có người được chọn không thuộc danh sách sinh hoạt của buổi này."
        )
        self.fields["report_meeting"].queryset = later_meetings
        self.fields["report_meeting"].empty_label = "— buổi thường kỳ kế tiếp —"


class TaskEditForm(Form):
    text = forms.CharField(label="Nội dung nhiệm vụ", widget=forms.Textarea(attrs={"rows": 3}))
    due_on = DateField(label="Hạn hoàn thành")


OUTCOME_CHOICES = [(value, TaskStatus(value).label) for value in EVALUATION_OUTCOMES]


class EvaluateForm(Form):
    meeting = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label="Kết quả", choices=OUTCOME_CHOICES, widget=forms.RadioSelect)
    evaluation = forms.CharField(
        label="Nhận xét của chi bộ", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    new_due_on = DateField(label="Hạn mới (nếu chuyển kỳ sau)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].error_messages["required"] = (
            "Kết quả: chọn Hoàn thành, Không hoàn thành hoặc Chuyển kỳ sau."
        )
        self.fields["meeting"].error_messages["required"] = "Thiếu buổi sinh hoạt đánh giá nhiệm vụ."


class ResolutionForm(Form):
    number = forms.CharField(
        label="Số văn bản",
        max_length=40,
        required=False,
        help_text="Ví dụ 05-NQ/CB. Để trống thì hệ thống tự đánh số khi thông qua.",
    )
    issued_on = DateField(label="Ngày ban hành")
    preamble = forms.CharField(
        label="Tình hình buổi sinh hoạt", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    results = forms.CharField(
        label="Kết quả thực hiện nhiệm vụ tháng trước",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    direction = forms.CharField(
        label="Phương hướng, nhiệm vụ tháng tới", required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    assignments = forms.CharField(
        label="Phân công nhiệm vụ", required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    self_assessment = forms.CharField(
        label="Tự đánh giá chất lượng buổi sinh hoạt",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].error_messages["max_length"] = "Số văn bản: tối đa 40 ký tự."
