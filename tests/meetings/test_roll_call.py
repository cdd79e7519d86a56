"""The roll call: pre-filled from the roster on the meeting's date, marked by the secretary (§4, §5)."""

import datetime as dt
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from chibo.common.access import SYSTEM
from chibo.meetings import rules
from chibo.meetings.models import AbsenceReport, AttendanceStatus
from chibo.meetings.services.running import (
    attendance_mark,
    attendance_mark_all_present,
    attendance_summary,
    guest_add,
)
from chibo.members.models import MembershipKind
from chibo.members.services import exemption_create, member_transfer, membership_open
from tests.factories import make_member
from tests.meetings.running_fixtures import *  # noqa: F403
from tests.meetings.running_fixtures import local, opened, planned

pytestmark = pytest.mark.django_db

P, E, U, X = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.UNEXCUSED,
    AttendanceStatus.EXEMPT,
)


def test_the_roll_call_follows_transfers_exemptions_and_temporary_memberships_on_the_date(cast, run_rules):
    # Given memberships that changed around the meeting of 05/03/2025
    came = make_member(cast.cell2, full_name="Đỗ Văn Đến")
    member_transfer(member=came, to_cell=cast.cell, on=dt.date(2025, 2, 1), by=SYSTEM)
    left = make_member(cast.cell, full_name="Vũ Thị Đi")
    member_transfer(member=left, to_cell=cast.cell2, on=dt.date(2025, 3, 1), by=SYSTEM)
    leaves_later = make_member(cast.cell, full_name="Hoàng Văn Sau")
    member_transfer(member=leaves_later, to_cell=cast.cell2, on=dt.date(2025, 4, 1), by=SYSTEM)
    exempted = make_member(cast.cell, full_name="Ngô Thị Miễn")
    exemption_create(member=exempted, valid_from=dt.date(2024, 1, 1), reason="Tuổi cao, sức yếu", by=SYSTEM)
    guest_member = make_member(cast.other_cell, full_name="Phan Văn Tạm")
    membership_open(
        member=guest_member,
        cell=cast.cell,
        kind=MembershipKind.TEMPORARY,
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2025, 7, 1),
        by=SYSTEM,
    )
    away = make_member(cast.cell, full_name="Lý Văn Vắng")
    membership_open(
        member=away,
        cell=cast.cell2,
        kind=MembershipKind.TEMPORARY,
        valid_from=dt.date(2025, 2, 1),
        valid_until=dt.date(2025, 6, 1),
        by=SYSTEM,
    )
    make_member(
        cast.cell,
        full_name="Trịnh Thị Mới",
        admitted_on=dt.date(2024, 6, 1),
        official_on=None,
        joined_on=dt.date(2024, 6, 1),
    )
    # When the meeting opens
    meeting = opened(cast, run_rules)
    # Then the roll call is the roster of that day, with its facts frozen
    lines = {a.member.full_name: a for a in meeting.attendances.select_related("member")}
    assert set(lines) == {
        "Trần Thị Bình",
        "Lê Văn An",
        "Đỗ Văn Đến",
        "Hoàng Văn Sau",
        "Ngô Thị Miễn",
        "Phan Văn Tạm",
        "Trịnh Thị Mới",
    }
    assert lines["Ngô Thị Miễn"].is_exempt and lines["Ngô Thị Miễn"].status == X
    assert lines["Phan Văn Tạm"].is_temporary and not lines["Lê Văn An"].is_temporary
    assert not lines["Trịnh Thị Mới"].is_official and lines["Lê Văn An"].is_official
    assert all(a.status == "" for name, a in lines.items() if name != "Ngô Thị Miễn")
    # A later change of memberships does not rewrite the record.
    member_transfer(member=cast.member, to_cell=cast.cell2, on=dt.date(2025, 6, 1), by=SYSTEM)
    assert meeting.attendances.filter(member=cast.member).exists()


def test_an_advance_absence_report_pre_fills_the_reason(cast, run_rules):
    meeting = planned(cast, run_rules)
    AbsenceReport.objects.create(meeting=meeting, member=cast.member, reason="Đi công tác Đà Nẵng")
    meeting = opened_from(meeting, cast)
    line = meeting.attendances.get(member=cast.member)
    assert (line.status, line.reason, line.accepted_by) == (E, "Đi công tác Đà Nẵng", "")


def opened_from(meeting, cast):
    from chibo.meetings.services.running import meeting_open

    return meeting_open(meeting=meeting, started_at=local(2025, 3, 5, 19, 30), by=cast.leader_user)


def test_one_tap_marks_everyone_not_yet_marked_present_and_leaves_the_others(cast, run_rules):
    meeting = planned(cast, run_rules)
    AbsenceReport.objects.create(meeting=meeting, member=cast.member, reason="Ốm")
    exempted = make_member(cast.cell, full_name="Ngô Thị Miễn")
    exemption_create(member=exempted, valid_from=dt.date(2024, 1, 1), reason="Tuổi cao", by=SYSTEM)
    extra = make_member(cast.cell, full_name="Đinh Văn Có")
    meeting = opened_from(meeting, cast)
    assert attendance_mark_all_present(meeting=meeting, by=cast.leader_user) == 2
    statuses = dict(meeting.attendances.values_list("member__full_name", "status"))
    assert statuses == {"Trần Thị Bình": P, "Đinh Văn Có": P, "Lê Văn An": E, "Ngô Thị Miễn": X}
    assert extra  # marked above
    # a second tap: nothing left to mark
    assert attendance_mark_all_present(meeting=meeting, by=cast.leader_user) == 0


def test_a_late_arrival_and_an_early_leave_count_as_present(cast, run_rules):
    meeting = opened(cast, run_rules)
    line = meeting.attendances.get(member=cast.member)
    line = attendance_mark(
        attendance=line,
        status=P,
        arrived_late_at=local(2025, 3, 5, 19, 50),
        left_early_at=local(2025, 3, 5, 20, 40),
        by=cast.leader_user,
    )
    assert line.arrived_late_at == local(2025, 3, 5, 19, 50)
    attendance_mark(attendance=meeting.attendances.get(member=cast.secretary), status=P, by=cast.leader_user)
    assert attendance_summary(meeting)["present"] == 2


def test_an_arrival_before_the_start_is_not_late(cast, run_rules):
    meeting = opened(cast, run_rules)
    with pytest.raises(ValidationError) as error:
        attendance_mark(
            attendance=meeting.attendances.get(member=cast.member),
            status=P,
            arrived_late_at=local(2025, 3, 5, 19, 0),
            by=cast.leader_user,
        )
    assert "Đến muộn lúc" in error.value.message_dict["arrived_late_at"][0]


def test_absent_with_reason_needs_the_reason_and_keeps_who_accepted_it(cast, run_rules):
    meeting = opened(cast, run_rules)
    line = meeting.attendances.get(member=cast.member)
    with pytest.raises(ValidationError) as error:
        attendance_mark(attendance=line, status=E, by=cast.leader_user)
    assert error.value.message_dict["reason"] == ["Lý do vắng: không được để trống khi vắng có lý do."]
    line = attendance_mark(
        attendance=line, status=E, reason="Ốm", accepted_by="Trần Thị Bình", by=cast.leader_user
    )
    assert (line.reason, line.accepted_by) == ("Ốm", "Trần Thị Bình")
    # Changing to present clears the reason.
    line = attendance_mark(attendance=line, status=P, by=cast.leader_user)
    assert (line.reason, line.accepted_by) == ("", "")


def test_only_an_exempted_member_can_be_marked_exempt(cast, run_rules):
    meeting = opened(cast, run_rules)
    with pytest.raises(ValidationError, match="không được miễn sinh hoạt"):
        attendance_mark(attendance=meeting.attendances.get(member=cast.member), status=X, by=cast.leader_user)


def test_an_exempted_member_who_comes_is_present_but_in_neither_number(cast, run_rules):
    exempted = make_member(cast.cell, full_name="Ngô Thị Miễn")
    exemption_create(member=exempted, valid_from=dt.date(2024, 1, 1), reason="Tuổi cao", by=SYSTEM)
    meeting = opened(cast, run_rules)
    attendance_mark(attendance=meeting.attendances.get(member=exempted), status=P, by=cast.leader_user)
    attendance_mark(attendance=meeting.attendances.get(member=cast.secretary), status=P, by=cast.leader_user)
    attendance_mark(attendance=meeting.attendances.get(member=cast.member), status=U, by=cast.leader_user)
    summary = attendance_summary(meeting)
    assert (summary["present"], summary["required"], summary["rate"]) == (1, 2, Fraction(1, 2))
    assert summary["rate_text"] == "50%" and summary["exempt_present"] == 1


def test_guests_are_kept_once_even_when_the_form_is_posted_twice(cast, run_rules):
    meeting = opened(cast, run_rules)
    for _ in range(2):
        guest_add(
            meeting=meeting,
            name="Phạm  Văn Khách",
            title="Đảng ủy phường",
            is_upper_level=True,
            by=cast.leader_user,
        )
    assert list(meeting.guests.values_list("name", "is_upper_level")) == [("Phạm Văn Khách", True)]
    with pytest.raises(ValidationError, match="Họ và tên khách mời"):
        guest_add(meeting=meeting, name="  ", by=cast.leader_user)


# --- the pure rules ------------------------------------------------------------------------------------


def test_attendance_rate_leaves_exempted_members_out_of_both_numbers():
    lines = [
        rules.Line(status=P),
        rules.Line(status=P),
        rules.Line(status=E),
        rules.Line(status=U),
        rules.Line(status=X, is_exempt=True),
        rules.Line(status=P, is_exempt=True),  # came anyway
    ]
    assert rules.attendance_counts(lines) == (2, 4)
    assert rules.attendance_rate(2, 4) == Fraction(1, 2)


def test_an_attendance_rate_without_required_members_is_none_not_zero():
    assert rules.attendance_counts([rules.Line(status=X, is_exempt=True)]) == (0, 0)
    assert rules.attendance_rate(0, 0) is None and rules.percent(None) == "—"


def test_rates_are_written_with_a_decimal_comma():
    assert rules.percent(Fraction(5, 6)) == "83,3%" and rules.percent(Fraction(1, 1)) == "100%"
