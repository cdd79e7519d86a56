"""Data builders shared by the scoring and warnings tests: a sheet like the HD 42 one, held meetings
and roll-call lines written straight to the tables (the running screens are built in parallel)."""

import datetime as dt

from django.utils import timezone

from chibo.meetings.models import (
    Attendance,
    AttendanceStatus,
    MeetingKind,
    MeetingStatus,
    ScoringCriterion,
    ScoringSheet,
)
from tests.meetings.conftest import make_meeting

# (code, title, max points, full marks needed for Tốt): the wards' HD 42 sheet of DOMAIN §4.
HD42_CRITERIA = [
    ("time", "Thời gian, thời lượng", 5, True),
    ("attendance", "Tỷ lệ đảng viên dự họp", 5, True),
    ("preparation", "Công tác chuẩn bị", 10, False),
    ("conduct", "Tổ chức sinh hoạt, điều hành của chủ trì", 40, False),
    ("principles", "Nguyên tắc tổ chức, sinh hoạt đảng", 5, False),
    ("results", "Kết quả thực hiện nghị quyết tháng trước", 30, False),
    ("closing", "Kết thúc sinh hoạt", 5, False),
]


def make_sheet(rule_set, *, kind="", criteria=HD42_CRITERIA, title="Phiếu chấm điểm thử") -> ScoringSheet:
    sheet = ScoringSheet.objects.create(rule_set=rule_set, meeting_kind=kind, title=title)
    for order, (code, name, top, full) in enumerate(criteria, start=1):
        ScoringCriterion.objects.create(
            sheet=sheet, order=order, code=code, title=name, max_points=top, full_marks_for_good=full
        )
    return sheet


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def held_meeting(cell, rule_set, *, start=None, minutes=100, kind=MeetingKind.REGULAR, **kw):
    start = start or local(2025, 3, 5, 19, 30)
    return make_meeting(
        cell,
        rule_set,
        when=start,
        kind=kind,
        status=MeetingStatus.HELD,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=minutes),
        **kw,
    )


def roll(meeting, member, status=AttendanceStatus.PRESENT, **kw) -> Attendance:
    return Attendance.objects.create(meeting=meeting, member=member, status=status, **kw)
