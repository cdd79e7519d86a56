"""Times are the times things happened (DOMAIN §4): a start or end cannot be ahead of the clock, a meeting
started before its scheduled day is refused or moved to that day with a note, the end has a default,
times are corrected until the minutes are approved, a short meeting and an approval need confirming,
and the minutes (text, PDF, DOCX) state the actual start and end."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chibo.audit.models import AuditEntry
from chibo.meetings import rules
from chibo.meetings.documents import minutes_document, minutes_file
from chibo.meetings.models import Meeting, MeetingStatus, MinutesStatus
from chibo.meetings.services.minutes import minutes_approve, minutes_build, minutes_text
from chibo.meetings.services.running import (
    TIMES_LOCKED,
    attendance_mark_all_present,
    default_end,
    meeting_close,
    meeting_open,
    meeting_set_times,
)
from tests.meetings.minutes_fixtures import docx_text, pdf_text
from tests.meetings.running_fixtures import *  # noqa: F403
from tests.meetings.running_fixtures import local, opened, planned

pytestmark = pytest.mark.django_db

# A day no test run will reach: a time on it has not happened yet.
FAR_AHEAD = (2099, 3, 5)


def held(cast, rules_, *, start=(2025, 3, 5, 19, 30), end=(2025, 3, 5, 21, 15), **kw):
    meeting = opened(cast, rules_, when=local(*start), **kw)
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    return meeting_close(meeting=meeting, ended_at=local(*end), by=cast.leader_user)


def one_line(text: str) -> str:
    return " ".join(text.split())


# --- the start: not ahead of the clock, not days before the scheduled day ----------------------------


def test_a_start_that_has_not_happened_yet_is_refused(cast, run_rules):
    meeting = planned(cast, run_rules, when=local(*FAR_AHEAD, 19, 30))
    with pytest.raises(ValidationError) as error:
        meeting_open(meeting=meeting, started_at=local(*FAR_AHEAD, 19, 30), by=cast.leader_user)
    assert "19:30 ngày 05/03/2099 chưa tới" in error.value.message_dict["started_at"][0]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED and not meeting.attendances.exists()


def test_a_meeting_of_the_6th_cannot_be_held_on_the_3rd(cast, run_rules):
    meeting = planned(cast, run_rules, when=local(2025, 12, 6, 19, 0))
    with pytest.raises(ValidationError) as error:
        meeting_open(meeting=meeting, started_at=local(2025, 12, 3, 19, 0), by=cast.leader_user)
    message = error.value.message_dict["started_at"][0]
    assert "dự kiến 19:00 ngày 06/12/2025" in message and "sớm hơn 24 giờ" in message
    assert "đổi lịch" in message
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED and meeting.started_at is None


def test_a_start_the_evening_before_moves_the_meeting_to_that_day_with_a_note(cast, run_rules):
    meeting = planned(cast, run_rules, when=local(2025, 3, 6, 19, 0))
    meeting = meeting_open(meeting=meeting, started_at=local(2025, 3, 5, 20, 0), by=cast.leader_user)
    assert meeting.status == MeetingStatus.OPEN
    assert meeting.scheduled_at == meeting.started_at == local(2025, 3, 5, 20, 0)
    assert (
        meeting.time_note == "Họp sớm hơn lịch: dự kiến 19:00 ngày 06/03/2025, bắt đầu 20:00 ngày 05/03/2025."
    )
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.scheduled_at, stored.time_note) == (meeting.scheduled_at, meeting.time_note)
    # The audit log keeps the time it was planned for.
    entry = AuditEntry.objects.filter(model="meetings.meeting", object_id=str(meeting.pk)).latest("pk")
    assert entry.before["scheduled_at"] != entry.after["scheduled_at"]


def test_a_start_earlier_on_the_scheduled_day_is_kept_without_a_note(cast, run_rules):
    meeting = planned(cast, run_rules, when=local(2025, 3, 5, 19, 30))
    meeting = meeting_open(meeting=meeting, started_at=local(2025, 3, 5, 8, 0), by=cast.leader_user)
    assert meeting.scheduled_at == local(2025, 3, 5, 19, 30) and meeting.time_note == ""


def test_how_early_a_meeting_may_start_is_a_setting(cast, run_rules, settings):
    settings.CHIBO_MEETING_EARLY_HOURS = 0
    evening_before = planned(cast, run_rules, when=local(2025, 3, 6, 19, 0))
    with pytest.raises(ValidationError, match="sớm hơn 0 giờ"):
        meeting_open(meeting=evening_before, started_at=local(2025, 3, 5, 20, 0), by=cast.leader_user)
    settings.CHIBO_MEETING_EARLY_HOURS = 100
    three_days = planned(cast, run_rules, when=local(2025, 12, 6, 19, 0), extra_reason="Họp bù")
    moved = meeting_open(meeting=three_days, started_at=local(2025, 12, 3, 19, 0), by=cast.leader_user)
    assert moved.scheduled_at == local(2025, 12, 3, 19, 0) and "06/12/2025" in moved.time_note


def test_moving_a_meeting_into_a_month_that_has_its_regular_meeting_is_refused(cast, run_rules):
    planned(cast, run_rules, when=local(2025, 2, 10, 19, 30))
    first_of_march = planned(cast, run_rules, when=local(2025, 3, 1, 8, 0))
    with pytest.raises(ValidationError) as error:
        meeting_open(meeting=first_of_march, started_at=local(2025, 2, 28, 20, 0), by=cast.leader_user)
    assert "sang tháng trước" in error.value.message_dict["started_at"][0]
    assert Meeting.objects.get(pk=first_of_march.pk).status == MeetingStatus.PLANNED


def test_the_rules_of_an_early_start_on_plain_values():
    scheduled = local(2025, 3, 6, 19, 0)
    assert (
        rules.early_start(started_at=local(2025, 3, 6, 7, 0), scheduled_at=scheduled, early_hours=24)
        == "on_time"
    )
    assert (
        rules.early_start(started_at=local(2025, 3, 5, 19, 0), scheduled_at=scheduled, early_hours=24)
        == "move"
    )
    assert (
        rules.early_start(started_at=local(2025, 3, 5, 18, 59), scheduled_at=scheduled, early_hours=24)
        == "refuse"
    )
    assert (
        rules.early_start(started_at=local(2025, 3, 5, 23, 0), scheduled_at=scheduled, early_hours=0)
        == "refuse"
    )


# --- the end: a default, never before the start, not ahead of the clock ------------------------------


def test_the_default_end_is_the_scheduled_start_plus_the_minimum_never_before_the_start():
    scheduled = local(2025, 3, 5, 19, 30)
    later = local(2025, 3, 6, 9, 0)
    on_time = rules.default_end(scheduled_at=scheduled, started_at=scheduled, minimum=90, now=later)
    assert on_time == local(2025, 3, 5, 21, 0)
    # Started late: counted from the actual start, so the default never reads as a short meeting.
    late = rules.default_end(
        scheduled_at=scheduled, started_at=local(2025, 3, 5, 19, 50), minimum=90, now=later
    )
    assert late == local(2025, 3, 5, 21, 20)
    # Closed while it is still on: not a time ahead of the clock.
    now = local(2025, 3, 5, 20, 40)
    assert rules.default_end(scheduled_at=scheduled, started_at=scheduled, minimum=90, now=now) == now
    # Whatever the clock says, after the start.
    early_clock = local(2025, 3, 5, 19, 0)
    assert (
        rules.default_end(scheduled_at=scheduled, started_at=scheduled, minimum=90, now=early_clock)
        > scheduled
    )


def test_closing_without_an_end_uses_the_default(cast, run_rules):
    meeting = opened(cast, run_rules, when=local(2025, 3, 5, 19, 30), started_at=local(2025, 3, 5, 19, 45))
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    assert default_end(meeting) == local(2025, 3, 5, 21, 15)
    meeting = meeting_close(meeting=meeting, by=cast.leader_user)
    assert meeting.ended_at == local(2025, 3, 5, 21, 15) and meeting.status == MeetingStatus.HELD


def test_an_end_that_has_not_happened_yet_is_refused(cast, run_rules):
    meeting = opened(cast, run_rules)
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    with pytest.raises(ValidationError) as error:
        meeting_close(meeting=meeting, ended_at=local(*FAR_AHEAD, 21, 0), by=cast.leader_user)
    assert "chưa tới" in error.value.message_dict["ended_at"][0]
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.OPEN


# --- a short meeting is closed only when confirmed ---------------------------------------------------


def test_closing_a_meeting_shorter_than_the_minimum_needs_a_confirmation(cast, run_rules):
    meeting = opened(cast, run_rules)
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    with pytest.raises(ValidationError) as error:
        meeting_close(meeting=meeting, ended_at=local(2025, 3, 5, 20, 30), by=cast.leader_user)
    message = error.value.message_dict["confirm_short"][0]
    assert "60 phút" in message and "tối thiểu 90 phút" in message and "Tôi xác nhận" in message
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.OPEN
    meeting = meeting_close(
        meeting=meeting, ended_at=local(2025, 3, 5, 20, 30), confirm_short=True, by=cast.leader_user
    )
    assert meeting.status == MeetingStatus.HELD and meeting.ended_at == local(2025, 3, 5, 20, 30)


def test_a_meeting_of_the_full_length_needs_no_confirmation(cast, run_rules):
    meeting = held(cast, run_rules, end=(2025, 3, 5, 21, 0))
    assert meeting.status == MeetingStatus.HELD


# --- corrections until the minutes are approved ------------------------------------------------------


def test_start_and_end_are_corrected_until_the_minutes_are_approved(cast, run_rules):
    meeting = held(cast, run_rules)
    draft = minutes_build(meeting=meeting, by=cast.leader_user)
    meeting = meeting_set_times(
        meeting=meeting,
        started_at=local(2025, 3, 5, 19, 40),
        ended_at=local(2025, 3, 5, 21, 25),
        by=cast.leader_user,
    )
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.started_at, stored.ended_at) == (local(2025, 3, 5, 19, 40), local(2025, 3, 5, 21, 25))
    # The draft follows: its time lines state the corrected times.
    draft.refresh_from_db()
    assert "- Bắt đầu: 05/03/2025 19:40." in draft.body
    assert "- Kết thúc: 05/03/2025 21:25 (thời lượng 105 phút)." in draft.body
    assert "Buổi sinh hoạt kết thúc lúc 21:25 ngày 05/03/2025." in draft.body
    assert "21:15" not in draft.body

    minutes_approve(minutes=draft, confirmed=True, by=cast.leader_user)
    with pytest.raises(ValidationError) as error:
        meeting_set_times(meeting=meeting, ended_at=local(2025, 3, 5, 21, 30), by=cast.leader_user)
    assert error.value.messages == [TIMES_LOCKED]
    assert "đính chính" in TIMES_LOCKED
    assert Meeting.objects.get(pk=meeting.pk).ended_at == local(2025, 3, 5, 21, 25)


def test_a_correction_follows_the_rules_of_opening_and_closing(cast, run_rules):
    meeting = held(cast, run_rules, start=(2025, 3, 6, 19, 30), end=(2025, 3, 6, 21, 15))
    with pytest.raises(ValidationError, match="Tôi xác nhận"):
        meeting_set_times(meeting=meeting, ended_at=local(2025, 3, 6, 20, 0), by=cast.leader_user)
    with pytest.raises(ValidationError, match="phải trước giờ kết thúc"):
        meeting_set_times(meeting=meeting, started_at=local(2025, 3, 6, 21, 30), by=cast.leader_user)
    with pytest.raises(ValidationError, match="sớm hơn 24 giờ"):
        meeting_set_times(meeting=meeting, started_at=local(2025, 3, 4, 19, 30), by=cast.leader_user)
    with pytest.raises(ValidationError, match="chưa tới"):
        meeting_set_times(meeting=meeting, ended_at=local(*FAR_AHEAD, 21, 0), by=cast.leader_user)
    meeting = meeting_set_times(
        meeting=meeting, ended_at=local(2025, 3, 6, 20, 0), confirm_short=True, by=cast.leader_user
    )
    assert meeting.ended_at == local(2025, 3, 6, 20, 0)


def test_the_end_of_an_open_meeting_is_set_by_closing_it(cast, run_rules):
    meeting = opened(cast, run_rules)
    with pytest.raises(ValidationError) as error:
        meeting_set_times(meeting=meeting, ended_at=local(2025, 3, 5, 21, 0), by=cast.leader_user)
    assert "ghi khi bấm “Kết thúc”" in error.value.message_dict["ended_at"][0]
    meeting = meeting_set_times(meeting=meeting, started_at=local(2025, 3, 5, 19, 35), by=cast.leader_user)
    assert meeting.started_at == local(2025, 3, 5, 19, 35) and meeting.status == MeetingStatus.OPEN


def test_a_leader_of_a_sibling_cell_cannot_correct_our_times(cast, run_rules):
    meeting = held(cast, run_rules)
    with pytest.raises(PermissionDenied):
        meeting_set_times(meeting=meeting, ended_at=local(2025, 3, 5, 21, 30), by=cast.sibling_leader)
    with pytest.raises(PermissionDenied):
        meeting_set_times(meeting=meeting, ended_at=local(2025, 3, 5, 21, 30), by=None)
    assert Meeting.objects.get(pk=meeting.pk).ended_at == local(2025, 3, 5, 21, 15)


# --- approval locks, so it is confirmed -------------------------------------------------------------


def test_approving_minutes_needs_a_confirmation(cast, run_rules):
    minutes = minutes_build(meeting=held(cast, run_rules), by=cast.leader_user)
    with pytest.raises(ValidationError) as error:
        minutes_approve(minutes=minutes, confirmed=False, by=cast.leader_user)
    assert (
        "Tôi xác nhận" in error.value.message_dict["confirm"][0]
        and "khóa" in error.value.message_dict["confirm"][0]
    )
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.DRAFT and minutes.approved_at is None
    assert (
        minutes_approve(minutes=minutes, confirmed=True, by=cast.leader_user).status == MinutesStatus.APPROVED
    )


# --- the minutes state what happened ----------------------------------------------------------------


def test_a_draft_built_while_open_states_the_end_once_closed(cast, run_rules):
    meeting = opened(cast, run_rules)
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    draft = minutes_build(meeting=meeting, by=cast.leader_user)
    assert "(chưa ghi, buổi sinh hoạt đang diễn ra)" in draft.body
    meeting_close(meeting=meeting, ended_at=local(2025, 3, 5, 21, 10), by=cast.leader_user)
    draft.refresh_from_db()
    assert "đang diễn ra" not in draft.body
    assert "- Kết thúc: 05/03/2025 21:10 (thời lượng 100 phút)." in draft.body
    assert draft.body.rstrip().endswith("Buổi sinh hoạt kết thúc lúc 21:10 ngày 05/03/2025.")


def test_the_minutes_of_a_moved_meeting_show_the_day_and_times_it_happened(cast, run_rules, tmp_path):
    # Planned for 06/03 at 19:00; held the evening before, 20:00 to 21:45.
    meeting = planned(cast, run_rules, when=local(2025, 3, 6, 19, 0))
    meeting = meeting_open(meeting=meeting, started_at=local(2025, 3, 5, 20, 0), by=cast.leader_user)
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    meeting = meeting_close(meeting=meeting, ended_at=local(2025, 3, 5, 21, 45), by=cast.leader_user)
    text = minutes_text(meeting)
    assert "- Bắt đầu: 05/03/2025 20:00." in text and "- Kết thúc: 05/03/2025 21:45" in text
    assert "Ghi chú về thời gian: Họp sớm hơn lịch: dự kiến 19:00 ngày 06/03/2025" in text
    minutes = minutes_approve(
        minutes=minutes_build(meeting=meeting, by=cast.leader_user), confirmed=True, by=cast.leader_user
    )
    doc = minutes_document(minutes)
    assert doc.place_date == "Ba Đình, ngày 05 tháng 3 năm 2025"
    for content in (
        one_line(docx_text(minutes_file(minutes, "docx"))),
        pdf_text(minutes_file(minutes, "pdf"), tmp_path),
    ):
        assert "ngày 05 tháng 3 năm 2025" in content
        assert "Bắt đầu: 05/03/2025 20:00" in content and "Kết thúc: 05/03/2025 21:45" in content
        # The plan (06/03 19:00) appears only in the note, never as the start or the date of the minutes.
        assert "ngày 06 tháng 3" not in content and "Bắt đầu: 06/03/2025" not in content


def test_the_time_lines_of_a_draft_are_rewritten_and_the_rest_kept(cast, run_rules):
    meeting = held(cast, run_rules)
    body = "I. THỜI GIAN, ĐỊA ĐIỂM\n- Bắt đầu: sai.\n- Kết thúc: sai.\n- Địa điểm: Nhà văn hóa.\n\nÝ kiến thêm.\n"
    from chibo.meetings.services.minutes import refreshed_body

    fresh = refreshed_body(body, meeting)
    assert fresh.splitlines() == [
        "I. THỜI GIAN, ĐỊA ĐIỂM",
        "- Bắt đầu: 05/03/2025 19:30.",
        "- Kết thúc: 05/03/2025 21:15 (thời lượng 105 phút).",
        "- Địa điểm: Nhà văn hóa.",
        "",
        "Ý kiến thêm.",
        "",
        "Buổi sinh hoạt kết thúc lúc 21:15 ngày 05/03/2025.",
    ]
    assert refreshed_body(fresh, meeting) == fresh


def test_times_are_measured_in_local_time():
    # 20:00 on the 5th in Hanoi is 13:00 UTC: the day of the meeting is the local one.
    utc = dt.datetime(2025, 3, 5, 13, 0, tzinfo=dt.UTC)
    assert rules.early_start(started_at=utc, scheduled_at=local(2025, 3, 6, 19, 0), early_hours=24) == "move"
