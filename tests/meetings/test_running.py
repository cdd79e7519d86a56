"""Opening and closing a meeting, its steps, speeches and duration (issue 3 §4)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chibo.audit.models import AuditEntry
from chibo.meetings.models import AttendanceStatus, MeetingKind, MeetingStatus, Speech
from chibo.meetings.services.running import (
    attendance_mark_all_present,
    guest_add,
    meeting_close,
    meeting_duration_ok,
    meeting_open,
    meeting_set_officers,
    speech_add,
    speech_delete,
    step_update,
)
from tests.meetings.running_fixtures import *  # noqa: F403
from tests.meetings.running_fixtures import STEPS, local, opened, planned

pytestmark = pytest.mark.django_db


def test_opening_copies_the_steps_of_the_rule_set_in_force_and_makes_a_roll_call(cast, run_rules, rule_set):
    # Given a meeting planned with another rule set
    meeting = planned(cast, rule_set)
    # When the leader opens it
    meeting = meeting_open(meeting=meeting, started_at=local(2025, 3, 5, 19, 35), by=cast.leader_user)
    # Then the ward's rule set in force that day is fixed, with its regular steps in order
    assert meeting.status == MeetingStatus.OPEN and meeting.rule_set == run_rules
    assert [(s.order, s.title, s.mandatory) for s in meeting.steps.all()] == [
        (i, title, mandatory) for i, (_, _, title, mandatory) in enumerate(STEPS, start=1)
    ]
    assert {a.member for a in meeting.attendances.all()} == {cast.secretary, cast.member}
    assert len(meeting.checkin_token) >= 20
    assert AuditEntry.objects.filter(
        model="meetings.meeting", object_id=str(meeting.pk), user=cast.leader_user
    )


def test_a_thematic_meeting_gets_the_thematic_steps(cast, run_rules):
    meeting = opened(cast, run_rules, kind=MeetingKind.THEMATIC)
    assert [s.title for s in meeting.steps.all()] == ["Trình bày chuyên đề"]


def test_opening_twice_changes_nothing_the_second_time(cast, run_rules):
    meeting = opened(cast, run_rules)
    token, steps, lines = meeting.checkin_token, meeting.steps.count(), meeting.attendances.count()
    again = meeting_open(meeting=meeting, started_at=local(2025, 3, 5, 20, 0), by=cast.leader_user)
    assert again.checkin_token == token and again.started_at == local(2025, 3, 5, 19, 30)
    assert (again.steps.count(), again.attendances.count()) == (steps, lines)


def test_only_a_planned_meeting_opens(cast, run_rules):
    meeting = planned(cast, run_rules, status=MeetingStatus.CANCELLED)
    with pytest.raises(ValidationError, match="Chỉ bắt đầu được"):
        meeting_open(meeting=meeting, by=cast.leader_user)


def test_a_leader_of_a_sibling_cell_cannot_open_our_meeting(cast, run_rules):
    with pytest.raises(PermissionDenied):
        meeting_open(meeting=planned(cast, run_rules), by=cast.sibling_leader)


def test_chair_and_minute_taker_given_at_the_start_are_marked_present(cast, run_rules):
    meeting = meeting_open(
        meeting=planned(cast, run_rules),
        started_at=local(2025, 3, 5, 19, 30),
        chair=cast.secretary,
        minute_taker=cast.member,
        by=cast.leader_user,
    )
    assert (meeting.chair, meeting.minute_taker) == (cast.secretary, cast.member)
    assert set(meeting.attendances.values_list("status", flat=True)) == {AttendanceStatus.PRESENT}


def test_the_chair_must_be_present(cast, run_rules):
    meeting = opened(cast, run_rules)
    with pytest.raises(ValidationError) as error:
        meeting_set_officers(meeting=meeting, chair=cast.member, minute_taker=None, by=cast.leader_user)
    assert "Chủ trì" in error.value.message_dict["chair"][0]


def test_closing_ends_the_meeting_and_the_check_in_code(cast, run_rules):
    meeting = opened(cast, run_rules)
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    meeting = meeting_close(meeting=meeting, ended_at=local(2025, 3, 5, 21, 5), by=cast.leader_user)
    assert meeting.status == MeetingStatus.HELD and meeting.checkin_token == ""
    assert meeting_duration_ok(meeting) is True
    # the same form posted twice
    assert (
        meeting_close(meeting=meeting, ended_at=local(2025, 3, 5, 21, 5), by=cast.leader_user).pk
        == meeting.pk
    )


def test_an_end_before_the_start_is_refused_in_vietnamese(cast, run_rules):
    meeting = opened(cast, run_rules)
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    with pytest.raises(ValidationError) as error:
        meeting_close(meeting=meeting, ended_at=local(2025, 3, 5, 19, 0), by=cast.leader_user)
    assert "Kết thúc lúc: phải sau giờ bắt đầu (19:30" in error.value.message_dict["ended_at"][0]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN


def test_a_meeting_with_members_not_yet_marked_cannot_close(cast, run_rules):
    meeting = opened(cast, run_rules)
    with pytest.raises(ValidationError, match="chưa điểm danh"):
        meeting_close(meeting=meeting, ended_at=local(2025, 3, 5, 21, 5), by=cast.leader_user)


def test_duration_needs_90_minutes_or_120_for_a_shared_session(cast, run_rules):
    regular = opened(cast, run_rules)
    attendance_mark_all_present(meeting=regular, by=cast.leader_user)
    regular = meeting_close(
        meeting=regular, ended_at=local(2025, 3, 5, 20, 59), confirm_short=True, by=cast.leader_user
    )
    assert meeting_duration_ok(regular) is False  # 89 minutes
    regular.ended_at = local(2025, 3, 5, 21, 0)
    assert meeting_duration_ok(regular) is True
    # A thematic meeting sharing the session: 120 minutes for the session.
    thematic = opened(cast, run_rules, kind=MeetingKind.THEMATIC, shares_session_with=regular)
    thematic.ended_at = local(2025, 3, 5, 21, 15)
    assert meeting_duration_ok(thematic) is False  # 19:30 to 21:15
    thematic.ended_at = local(2025, 3, 5, 21, 30)
    assert meeting_duration_ok(thematic) is True
    assert meeting_duration_ok(planned(cast, run_rules)) is None


def test_steps_are_marked_done_with_notes_and_posting_twice_is_harmless(cast, run_rules):
    meeting = opened(cast, run_rules)
    step = meeting.steps.get(order=3)
    step = step_update(step=step, done=True, notes="Hoàn thành 4/5 nhiệm vụ.", by=cast.leader_user)
    first_done_at = step.done_at
    again = step_update(step=step, done=True, notes="Hoàn thành 4/5 nhiệm vụ.", by=cast.leader_user)
    assert again.done and again.done_at == first_done_at and again.notes == "Hoàn thành 4/5 nhiệm vụ."
    assert step_update(step=step, done=False, by=cast.leader_user).done_at is None


def test_steps_cannot_be_marked_before_the_meeting_opens(cast, run_rules):
    meeting = opened(cast, run_rules)
    step = meeting.steps.first()
    meeting.status = MeetingStatus.PLANNED
    meeting.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="chưa bắt đầu"):
        step_update(step=step, done=True, by=cast.leader_user)


def test_a_speech_by_a_member_marks_them_present_and_speaking(cast, run_rules):
    meeting = opened(cast, run_rules)
    step = meeting.steps.get(order=3)
    speech = speech_add(
        meeting=meeting, member=cast.member, step=step, gist="Đề nghị sửa đường.", by=cast.leader_user
    )
    line = meeting.attendances.get(member=cast.member)
    assert line.status == AttendanceStatus.PRESENT and line.spoke
    # posted twice: one speech
    speech_add(meeting=meeting, member=cast.member, step=step, gist="Đề nghị sửa đường.", by=cast.leader_user)
    assert Speech.objects.filter(meeting=meeting).count() == 1
    speech_delete(speech=speech, by=cast.leader_user)
    line.refresh_from_db()
    assert not line.spoke


def test_a_guest_may_speak_but_not_a_stranger(cast, run_rules):
    meeting = opened(cast, run_rules)
    guest = guest_add(
        meeting=meeting,
        name="Phạm Văn Khách",
        title="Đảng ủy phường",
        is_upper_level=True,
        by=cast.leader_user,
    )
    assert (
        speech_add(meeting=meeting, guest=guest, gist="Biểu dương chi bộ.", by=cast.leader_user).guest
        == guest
    )
    stranger = cast.other_cell.memberships.first()
    from tests.factories import make_member

    outsider_member = stranger.member if stranger else make_member(cast.other_cell)
    with pytest.raises(ValidationError) as error:
        speech_add(meeting=meeting, member=outsider_member, gist="…", by=cast.leader_user)
    assert "không có tên trong danh sách điểm danh" in error.value.message_dict["speaker"][0]
