"""Fixtures for resolutions and tasks.

`task_rules`: a ward-owned rule set whose regular meetings have the "review tasks" and "assign tasks"
steps (codes task_review / assign_tasks) and a vote; `held`: the cell's regular meeting of 05/03/2025,
everyone present, closed; `next_meeting`: the cell's planned regular meeting of 02/04/2025.
"""

import datetime as dt

import pytest
from django.utils import timezone

from chibo.meetings.models import MeetingKind, MotionKind
from chibo.meetings.rules import voters_present
from chibo.meetings.services.running import (
    attendance_mark_all_present,
    meeting_close,
    meeting_open,
    roll_call_lines,
    vote_record,
)
from tests.meetings.conftest import make_meeting
from tests.meetings.running_fixtures import rule_set_with_steps

STEPS = [
    ("roll_call", "open", "Điểm danh đảng viên", True),
    ("task_review", "content", "Kiểm điểm việc thực hiện nhiệm vụ của từng đảng viên", True),
    ("discussion", "content", "Thảo luận", True),
    ("assign_tasks", "close", "Phân công nhiệm vụ cho đảng viên", True),
    ("vote", "close", "Biểu quyết thông qua nghị quyết", True),
]


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def task_rules(cast):
    return rule_set_with_steps(
        cast.ward,
        code="TASK-TEST",
        name="Quy định phường Ba Đình (thử nhiệm vụ)",
        number="02-HD/BD",
        steps=STEPS,
        thematic={"code": "conclusion", "phase": "close", "title": "Kết luận chuyên đề"},
    )


def open_meeting(cast, rules, when: dt.datetime, **kw):
    meeting = make_meeting(cast.cell, rules, when=when, **kw)
    return meeting_open(meeting=meeting, started_at=when, by=cast.leader_user)


def hold_meeting(cast, rules, when: dt.datetime, *, vote: bool = True, **kw):
    """Open, mark everyone present, pass the resolution (or conclusion) and close two hours later."""
    meeting = open_meeting(cast, rules, when, **kw)
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    if vote:
        kind = MotionKind.CONCLUSION if meeting.kind == MeetingKind.THEMATIC else MotionKind.RESOLUTION
        present = voters_present(roll_call_lines(meeting))
        vote_record(
            meeting=meeting,
            kind=kind,
            motion="Thông qua",
            in_favour=present,
            against=0,
            abstain=0,
            by=cast.leader_user,
        )
    return meeting_close(meeting=meeting, ended_at=when + dt.timedelta(hours=2), by=cast.leader_user)


@pytest.fixture
def held(cast, task_rules):
    return hold_meeting(cast, task_rules, local(2025, 3, 5, 19, 30))


@pytest.fixture
def next_meeting(cast, task_rules):
    return make_meeting(cast.cell, task_rules, when=local(2025, 4, 2, 19, 30))
