"""Votes: who is entitled, what passes, and ballots that cannot be (DOMAIN §5)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chibo.common.access import SYSTEM
from chibo.meetings import rules
from chibo.meetings.models import AttendanceStatus, MotionKind, Vote
from chibo.meetings.services.running import attendance_mark, attendance_mark_all_present, vote_record
from chibo.members.models import MembershipKind
from chibo.members.services import exemption_create, membership_open
from tests.factories import make_member
from tests.meetings.running_fixtures import *  # noqa: F403
from tests.meetings.running_fixtures import opened

pytestmark = pytest.mark.django_db

P, E, U, X = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.UNEXCUSED,
    AttendanceStatus.EXEMPT,
)
Line = rules.Line


def test_entitled_are_official_members_summoned_minus_the_absent_exempted_and_the_excused_with_accepted_reason():
    lines = [
        Line(status=P),  # counts
        Line(status=U),  # absent without reason: still entitled
        Line(status=E, accepted=False),  # reason not (yet) accepted: still entitled
        Line(status=E, accepted=True),  # accepted reason: out
        Line(status=X, is_exempt=True),  # exempted and absent: out
        Line(status=P, is_exempt=True),  # exempted but came: may vote
        Line(status=P, is_official=False),  # probationary: never votes
        Line(status=P, is_temporary=True),  # here on temporary activity: votes at home (QĐ 232)
        Line(status=""),  # not marked yet: entitled
    ]
    assert rules.vote_entitled(lines) == 5
    assert rules.voters_present(lines) == 2


def test_a_motion_passes_with_more_than_half_of_those_entitled():
    assert rules.vote_passed(kind=MotionKind.RESOLUTION, in_favour=6, entitled=10)
    assert not rules.vote_passed(kind=MotionKind.RESOLUTION, in_favour=5, entitled=10)
    assert rules.vote_passed(kind=MotionKind.CONCLUSION, in_favour=5, entitled=9)
    assert rules.votes_needed(kind=MotionKind.RESOLUTION, entitled=10) == 6
    assert not rules.vote_passed(kind=MotionKind.OTHER, in_favour=0, entitled=0)


def test_expulsion_needs_two_thirds():
    assert rules.vote_passed(kind=MotionKind.EXPULSION, in_favour=6, entitled=9)
    assert not rules.vote_passed(kind=MotionKind.EXPULSION, in_favour=5, entitled=9)
    assert not rules.vote_passed(kind=MotionKind.EXPULSION, in_favour=6, entitled=10)  # 60% > half, < 2/3
    assert rules.vote_passed(kind=MotionKind.EXPULSION, in_favour=7, entitled=10)
    assert rules.votes_needed(kind=MotionKind.EXPULSION, entitled=10) == 7


@pytest.fixture
def cell_of_six(cast):
    """The cast's 2 members plus: an exempted member, a probationary one, one here on temporary
    activity, and one who sends apologies."""
    exempted = make_member(cast.cell, full_name="Ngô Thị Miễn")
    exemption_create(member=exempted, valid_from=dt.date(2024, 1, 1), reason="Tuổi cao", by=SYSTEM)
    make_member(
        cast.cell,
        full_name="Trịnh Thị Mới",
        admitted_on=dt.date(2024, 6, 1),
        official_on=None,
        joined_on=dt.date(2024, 6, 1),
    )
    guest_member = make_member(cast.other_cell, full_name="Phan Văn Tạm")
    membership_open(
        member=guest_member,
        cell=cast.cell,
        kind=MembershipKind.TEMPORARY,
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2025, 7, 1),
        by=SYSTEM,
    )
    return {"sick": make_member(cast.cell, full_name="Đặng Văn Ốm"), "exempted": exempted}


def test_a_recorded_vote_keeps_the_entitled_number_and_the_result(cast, run_rules, cell_of_six):
    meeting = opened(cast, run_rules)
    sick = meeting.attendances.get(member=cell_of_six["sick"])
    attendance_mark(attendance=sick, status=E, reason="Nằm viện", accepted_by="Chi ủy", by=cast.leader_user)
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    # Official and not temporary: Bình, An (present), Ốm (accepted reason: out), Miễn (exempt, absent: out)
    vote = vote_record(
        meeting=meeting,
        kind=MotionKind.RESOLUTION,
        motion="Thông qua nghị quyết tháng 3",
        in_favour=2,
        against=0,
        abstain=0,
        by=cast.leader_user,
    )
    assert (vote.entitled, vote.passed) == (2, True)
    # posting the same form again records nothing new
    vote_record(
        meeting=meeting,
        kind=MotionKind.RESOLUTION,
        motion="Thông qua nghị quyết tháng 3",
        in_favour=2,
        against=0,
        abstain=0,
        by=cast.leader_user,
    )
    assert Vote.objects.filter(meeting=meeting).count() == 1


def test_more_ballots_than_voters_present_are_refused_naming_the_fields(cast, run_rules, cell_of_six):
    meeting = opened(cast, run_rules)
    # present: 3 official voters (Bình, An, Ốm), a probationary and a temporary member who do not vote
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    with pytest.raises(ValidationError) as error:
        vote_record(
            meeting=meeting,
            kind=MotionKind.CONCLUSION,
            motion="Kết luận",
            in_favour=2,
            against=1,
            abstain=1,
            by=cast.leader_user,
        )
    message = error.value.message_dict["in_favour"][0]
    assert "Tán thành + Không tán thành + Không biểu quyết = 4" in message and "(3)" in message
    assert not Vote.objects.exists()


def test_an_exempted_member_who_comes_may_vote(cast, run_rules, cell_of_six):
    meeting = opened(cast, run_rules)
    attendance_mark(
        attendance=meeting.attendances.get(member=cell_of_six["exempted"]), status=P, by=cast.leader_user
    )
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    vote = vote_record(
        meeting=meeting,
        kind=MotionKind.EXPULSION,
        motion="Khai trừ đảng viên X",
        in_favour=3,
        against=1,
        abstain=0,
        by=cast.leader_user,
    )
    # Bình, An, Ốm (present), Miễn (came): 4 entitled; 3 of 4 ≥ two thirds
    assert (vote.entitled, vote.passed) == (4, True)


def test_a_motion_without_text_is_refused(cast, run_rules):
    meeting = opened(cast, run_rules)
    with pytest.raises(ValidationError) as error:
        vote_record(
            meeting=meeting,
            kind="resolution",
            motion=" ",
            in_favour=0,
            against=0,
            abstain=0,
            by=cast.leader_user,
        )
    assert "Nội dung biểu quyết" in error.value.message_dict["motion"][0]
