import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.meetings.models import Attendance, AttendanceStatus, MeetingStatus, Minutes, MinutesStatus
from chibo.meetings.services.minutes import (
    minutes_amend,
    minutes_approve,
    minutes_build,
    minutes_on_time,
    minutes_update,
)
from tests.factories import make_member
from tests.meetings.conftest import make_meeting
from tests.meetings.minutes_fixtures import DUC, GUEST, TUYET, at, held_meeting, record_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(cast, rule_set):
    return held_meeting(cast, rule_set)


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_built_minutes_record_the_time_place_chair_and_minute_taker(held, cast):
    body = minutes_build(meeting=held, by=cast.leader_user).body
    assert "Bắt đầu: 05/03/2025 19:30" in body
    assert "Kết thúc: 05/03/2025 21:15 (thời lượng 105 phút)" in body
    assert "Địa điểm: Nhà văn hóa tổ dân phố số 1" in body
    assert "Chủ trì: đồng chí Trần Thị Bình" in body
    assert "Thư ký: đồng chí Lê Văn An" in body


def test_built_minutes_mark_the_upper_level_guest(held, cast):
    body = minutes_build(meeting=held, by=cast.leader_user).body
    assert f"Đồng chí {GUEST}, Đảng ủy viên phường, phụ trách chi bộ (đại diện cấp ủy cấp trên)" in body


def test_built_minutes_count_present_out_of_required_and_name_each_absentee_with_the_reason(held, cast):
    body = minutes_build(meeting=held, by=cast.leader_user).body
    # Roster 6, one exempted: 5 required; 3 present, 1 absent with reason, 1 without (DOMAIN §5).
    assert (
        "Tổng số đảng viên của chi bộ: 6 đồng chí; miễn sinh hoạt: 1 đồng chí; phải có mặt: 5 đồng chí"
        in body
    )
    assert "Có mặt: 3/5 đồng chí (60,0%); vắng: 2 đồng chí (có lý do: 1, không lý do: 1)" in body
    assert f"Đồng chí {TUYET}: Đi công tác ở Đà Nẵng (người chấp nhận: Trần Thị Bình)" in body
    assert f"Vắng không lý do:\n  + Đồng chí {DUC}." in body
    assert "Đồng chí Vũ Văn Lộc." in body


def test_an_exempted_member_who_comes_is_in_neither_number(held, cast):
    Attendance.objects.filter(meeting=held, is_exempt=True).update(status=AttendanceStatus.PRESENT)
    body = minutes_build(meeting=held, by=cast.leader_user).body
    assert "Có mặt: 3/5 đồng chí" in body
    assert "Đồng chí Vũ Văn Lộc (có mặt)." in body


def test_built_minutes_list_every_step_in_order_with_notes_speakers_and_conclusions(held, cast):
    body = minutes_build(meeting=held, by=cast.leader_user).body
    steps = [
        "1. Nêu mục đích",
        "2. Điểm danh",
        "3. Thảo luận",
        "4. Kết luận, giao nhiệm vụ",
        "5. Khen thưởng",
    ]
    positions = [body.index(s) for s in steps]
    assert positions == sorted(positions)
    assert "  Chi bộ thảo luận về vệ sinh môi trường." in body
    assert "  + Đồng chí Lê Văn An: Đề nghị tổ chức tổng vệ sinh cuối tháng." in body
    assert f"  + Đồng chí {GUEST} (khách mời): Ghi nhận chi bộ chuẩn bị chu đáo." in body
    assert "Kết luận: giao đồng chí Lê Văn An lập kế hoạch tổng vệ sinh." in body
    assert "5. Khen thưởng, nhắc nhở\n  (Không thực hiện.)" in body


def test_members_marked_as_speakers_in_the_roll_call_are_counted(held, cast):
    Attendance.objects.filter(meeting=held, member=cast.secretary).update(spoke=True)
    body = minutes_build(meeting=held, by=cast.leader_user).body
    assert "Số đảng viên phát biểu: 2 đồng chí (phát biểu không ghi nội dung: Trần Thị Bình)." in body


def test_built_minutes_record_each_vote_with_its_numbers_and_result(held, cast):
    body = one_line(minutes_build(meeting=held, by=cast.leader_user).body)
    assert (
        "Thông qua nghị quyết: Nghị quyết tháng 3 năm 2025. Tán thành: 3; không tán thành: 1; "
        "không biểu quyết: 0; số đảng viên có quyền biểu quyết: 4. Kết quả: được thông qua" in body
    )


def test_an_open_meeting_gets_a_draft_without_an_end_time(cast, rule_set):
    meeting = record_meeting(cast, rule_set, status=MeetingStatus.OPEN)
    body = minutes_build(meeting=meeting, by=cast.leader_user).body
    assert "Kết thúc: (chưa ghi, buổi sinh hoạt đang diễn ra)." in body


def test_a_planned_meeting_has_no_minutes_to_build(cast, rule_set):
    meeting = make_meeting(cast.cell, rule_set)
    with pytest.raises(ValidationError) as error:
        minutes_build(meeting=meeting, by=cast.leader_user)
    assert "đang họp hoặc đã họp" in error.value.messages[0]
    assert not Minutes.objects.exists()


def test_building_is_audited_under_the_cell(held, cast):
    minutes = minutes_build(meeting=held, by=cast.leader_user)
    entry = AuditEntry.objects.get(model="meetings.minutes", object_id=str(minutes.pk))
    assert (entry.action, entry.user, entry.org_path) == ("create", cast.leader_user, cast.cell.path)


def test_building_twice_keeps_the_edited_draft_unless_a_rebuild_is_asked(held, cast):
    minutes = minutes_build(meeting=held, by=cast.leader_user)
    minutes_update(minutes=minutes, body="I. THỜI GIAN\n- Đã sửa tay.", by=cast.leader_user)
    again = minutes_build(meeting=held, by=cast.leader_user)
    assert again.pk == minutes.pk and again.body == "I. THỜI GIAN\n- Đã sửa tay.\n"
    rebuilt = minutes_build(meeting=held, by=cast.leader_user, rebuild=True)
    assert "Đã sửa tay" not in rebuilt.body and "Chủ trì: đồng chí Trần Thị Bình" in rebuilt.body
    assert Minutes.objects.count() == 1


def test_minutes_are_numbered_per_cell_and_year(cast, rule_set):
    members = [make_member(cast.cell) for _ in range(4)]
    march = record_meeting(cast, rule_set, members=members)
    june = record_meeting(cast, rule_set, day=dt.date(2025, 6, 4), members=members)
    next_year = record_meeting(cast, rule_set, day=dt.date(2026, 1, 7), members=members)
    other = make_meeting(
        cast.cell2, rule_set, status=MeetingStatus.HELD, started_at=at(dt.date(2025, 3, 6), 8, 0)
    )
    numbers = [minutes_build(meeting=m, by=SYSTEM).number for m in (march, june, next_year, other)]
    assert numbers == ["01-BB/CB", "02-BB/CB", "01-BB/CB", "01-BB/CB"]


def test_a_number_cleared_by_the_secretary_is_given_again_on_approval(held, cast):
    minutes = minutes_build(meeting=held, by=cast.leader_user)
    minutes_update(minutes=minutes, body=minutes.body, number="", by=cast.leader_user)
    assert minutes_approve(minutes=minutes, confirmed=True, by=cast.leader_user).number == "01-BB/CB"


def test_approval_locks_the_minutes(held, cast):
    minutes = minutes_build(meeting=held, by=cast.leader_user)
    approved = minutes_approve(minutes=minutes, confirmed=True, by=cast.leader_user)
    assert approved.status == MinutesStatus.APPROVED
    assert approved.approved_by == cast.leader_user and approved.approved_at is not None
    with pytest.raises(ValidationError) as error:
        minutes_update(minutes=approved, body="Sửa sau khi đã thông qua", by=cast.leader_user)
    assert "đã được thông qua và đã khóa" in error.value.message_dict["body"][0]
    with pytest.raises(ValidationError):
        minutes_build(meeting=held, by=cast.leader_user, rebuild=True)
    approved.refresh_from_db()
    assert "Sửa sau khi" not in approved.body


def test_approving_twice_is_refused_and_keeps_the_first_approval(held, cast):
    minutes = minutes_approve(
        minutes=minutes_build(meeting=held, by=cast.leader_user), confirmed=True, by=cast.leader_user
    )
    first = minutes.approved_at
    with pytest.raises(ValidationError) as error:
        minutes_approve(minutes=minutes, confirmed=True, by=cast.staff)
    assert "đã được thông qua lúc" in error.value.messages[0]
    minutes.refresh_from_db()
    assert (minutes.approved_at, minutes.approved_by) == (first, cast.leader_user)


def test_a_draft_cannot_be_saved_empty(held, cast):
    minutes = minutes_build(meeting=held, by=cast.leader_user)
    with pytest.raises(ValidationError) as error:
        minutes_update(minutes=minutes, body="   ", by=cast.leader_user)
    assert error.value.message_dict["body"] == ["Nội dung biên bản: không được để trống."]


def test_an_amendment_is_logged_and_audited_and_leaves_the_approved_text_alone(held, cast):
    minutes = minutes_approve(
        minutes=minutes_build(meeting=held, by=cast.leader_user), confirmed=True, by=cast.leader_user
    )
    body = minutes.body
    amendment = minutes_amend(
        minutes=minutes,
        text=f"Đồng chí {DUC} vắng có lý do (ốm).",
        reason="Ghi nhầm lý do vắng",
        by=cast.staff,
    )
    assert amendment.created_by == cast.staff and amendment.minutes == minutes
    entry = AuditEntry.objects.get(model="meetings.minutesamendment", object_id=str(amendment.pk))
    assert (entry.action, entry.user, entry.org_path) == ("create", cast.staff, cast.cell.path)
    minutes.refresh_from_db()
    assert minutes.body == body


def test_the_same_amendment_posted_twice_is_recorded_once(held, cast):
    minutes = minutes_approve(
        minutes=minutes_build(meeting=held, by=cast.leader_user), confirmed=True, by=cast.leader_user
    )
    for _ in range(2):
        minutes_amend(
            minutes=minutes, text="Sửa giờ kết thúc: 21:20.", reason="Ghi nhầm giờ", by=cast.leader_user
        )
    assert minutes.amendments.count() == 1


def test_a_draft_is_edited_not_amended(held, cast):
    minutes = minutes_build(meeting=held, by=cast.leader_user)
    with pytest.raises(ValidationError) as error:
        minutes_amend(minutes=minutes, text="x", reason="y", by=cast.leader_user)
    assert "còn là dự thảo" in error.value.messages[0]


def test_an_amendment_needs_a_text_and_a_reason(held, cast):
    minutes = minutes_approve(
        minutes=minutes_build(meeting=held, by=cast.leader_user), confirmed=True, by=cast.leader_user
    )
    with pytest.raises(ValidationError) as error:
        minutes_amend(minutes=minutes, text=" ", reason="", by=cast.leader_user)
    assert error.value.message_dict == {
        "text": ["Nội dung đính chính: không được để trống."],
        "reason": ["Lý do đính chính: không được để trống."],
    }


def approve_on(minutes, day: dt.date, hh: int = 22):
    """Approval at a chosen local time (the service stamps 'now')."""
    Minutes.objects.filter(pk=minutes.pk).update(
        status=MinutesStatus.APPROVED,
        approved_at=timezone.make_aware(dt.datetime(day.year, day.month, day.day, hh)),
    )


@pytest.mark.parametrize(
    ("approved_on", "today", "expected"),
    [
        (dt.date(2025, 3, 5), None, True),  # approved at the meeting
        (dt.date(2025, 3, 7), None, True),  # the last of the 2 days, late in the evening
        (dt.date(2025, 3, 8), None, False),  # one day late
        (None, dt.date(2025, 3, 7), None),  # not approved yet, still in time
        (None, dt.date(2025, 3, 8), False),  # not approved and the deadline has passed
    ],
)
def test_minutes_on_time(held, cast, approved_on, today, expected):
    minutes = minutes_build(meeting=held, by=cast.leader_user)
    if approved_on:
        approve_on(minutes, approved_on)
    assert minutes_on_time(held, today=today or dt.date(2025, 12, 31)) is expected


def test_minutes_on_time_follows_the_rule_sets_number_of_days(held, cast, rule_set):
    rule_set.minutes_days_after = 5
    rule_set.save()
    approve_on(minutes_build(meeting=held, by=cast.leader_user), dt.date(2025, 3, 10))
    held.refresh_from_db()
    assert minutes_on_time(held) is True


def test_minutes_on_time_of_a_meeting_not_held_is_unknown(cast, rule_set):
    assert minutes_on_time(make_meeting(cast.cell, rule_set)) is None
    assert (
        minutes_on_time(record_meeting(cast, rule_set, status=MeetingStatus.OPEN), today=dt.date(2026, 1, 1))
        is None
    )


def test_a_meeting_just_after_midnight_utc_is_judged_by_its_hanoi_date(cast, rule_set):
    # 06:30 in Hà Nội on 1 March is 23:30 UTC on 28 February: the 2 days run from 1 March.
    meeting = make_meeting(
        cast.cell,
        rule_set,
        when=at(dt.date(2025, 3, 1), 6, 30),
        status=MeetingStatus.HELD,
        started_at=at(dt.date(2025, 3, 1), 6, 30),
        ended_at=at(dt.date(2025, 3, 1), 8, 30),
    )
    approve_on(minutes_build(meeting=meeting, by=SYSTEM), dt.date(2025, 3, 3), hh=20)
    assert minutes_on_time(meeting) is True
