"""Fixtures for running a meeting (test_running, test_roll_call, test_votes, test_checkin, views).

Import with `from tests.meetings.running_fixtures import *`. The rule set here is owned by the ward,
so it is the one in force for the cast's cells whatever defaults are installed.
"""

import datetime as dt

import pytest
from django.utils import timezone

from chibo.meetings.models import MeetingKind, RuleSet, RuleStep
from chibo.meetings.services.running import meeting_open
from tests.meetings.conftest import make_meeting

__all__ = ["as_user", "run_rules", "local", "planned", "opened", "STEPS"]

STEPS = [
    ("purpose", "open", "Nêu mục đích, giới thiệu đại biểu", True),
    ("roll_call", "open", "Điểm danh đảng viên", True),
    ("report", "content", "Báo cáo kết quả tháng trước", True),
    ("praise", "content", "Khen thưởng, nhắc nhở (nếu có)", False),
    ("vote", "close", "Biểu quyết thông qua nghị quyết", True),
]


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def rule_set_with_steps(owner, *, code, name, number, steps, thematic) -> RuleSet:
    """A rule set owned by `owner` with these regular-meeting steps (code, phase, title, mandatory) and one
    thematic step {code, title, phase?}."""
    rs = RuleSet.objects.create(
        code=code,
        name=name,
        document_number=number,
        document_date=dt.date(2018, 1, 1),
        valid_from=dt.date(2018, 1, 1),
        owner=owner,
    )
    for order, (step_code, phase, title, mandatory) in enumerate(steps, start=1):
        RuleStep.objects.create(
            rule_set=rs,
            meeting_kind=MeetingKind.REGULAR,
            order=order,
            code=step_code,
            phase=phase,
            title=title,
            mandatory=mandatory,
        )
    RuleStep.objects.create(rule_set=rs, meeting_kind=MeetingKind.THEMATIC, order=1, **thematic)
    return rs


@pytest.fixture
def run_rules(cast):
    return rule_set_with_steps(
        cast.ward,
        code="RUN-TEST",
        name="Quy định phường Ba Đình (thử)",
        number="01-HD/BD",
        steps=STEPS,
        thematic={"code": "topic", "title": "Trình bày chuyên đề"},
    )


def planned(cast, rules, **kw):
    return make_meeting(cast.cell, rules, **kw)


def opened(cast, rules, *, started_at=None, **kw):
    meeting = planned(cast, rules, **kw)
    # Started at its scheduled time: a start days before the scheduled day is refused (rules.early_start).
    return meeting_open(meeting=meeting, started_at=started_at or meeting.scheduled_at, by=cast.leader_user)
