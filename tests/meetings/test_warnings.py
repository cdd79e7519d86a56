"""The attendance warnings of DOMAIN §5 over stored roll calls of held meetings."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.meetings.models import Attendance, AttendanceStatus, MeetingKind, MeetingStatus
from chibo.meetings.warnings import excused_streaks, removal_cases
from chibo.members.models import Gender, Member
from tests.factories import make_member
from tests.meetings.conftest import make_meeting
from tests.meetings.scoring_data import held_meeting, local, roll

pytestmark = pytest.mark.django_db

P, E, U, X = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.UNEXCUSED,
    AttendanceStatus.EXEMPT,
)


def monthly(cell, rule_set, year=2025, months=range(1, 13), day=5, kind=MeetingKind.REGULAR):
    return [held_meeting(cell, rule_set, start=local(year, m, day, 19, 30), kind=kind) for m in months]


def mark(meetings, member, statuses):
    """One line per meeting, in order; None = not on that meeting's roll call."""
    for meeting, status in zip(meetings, statuses, strict=False):
        if status is None:
            continue
        roll(
            meeting,
            member,
            status,
            reason="Ốm" if status == E else "",
            is_exempt=status == X,
        )


# --- removal (xóa tên) ----------------------------------------------------------------------------------


def test_unexcused_in_two_months_is_no_case(cast, rule_set):
    meetings = monthly(cast.cell, rule_set)
    mark(meetings, cast.member, [U, P, P, U, P, P])
    assert removal_cases(org=cast.ward, year=2025) == []


def test_unexcused_in_three_months_not_in_a_row_is_a_case(cast, rule_set):
    meetings = monthly(cast.cell, rule_set)
    mark(meetings, cast.member, [U, P, P, U, E, P, P, P, U])
    mark(meetings, cast.secretary, [P] * 12)
    [case] = removal_cases(org=cast.ward, year=2025)
    assert (case.member, case.cell, case.months) == (cast.member, cast.cell, (1, 4, 9))
    assert [a.at.date() for a in case.absences] == [dt.date(2025, m, 5) for m in (1, 4, 9)]


def test_two_unexcused_absences_in_one_month_count_as_one_month(cast, rule_set):
    meetings = monthly(cast.cell, rule_set, months=[1, 2])
    extra = held_meeting(cast.cell, rule_set, start=local(2025, 1, 20, 19, 30), kind=MeetingKind.THEMATIC)
    mark(meetings, cast.member, [U, U])
    roll(extra, cast.member, U)
    assert removal_cases(org=cast.ward, year=2025) == []
    third = held_meeting(cast.cell, rule_set, start=local(2025, 11, 5, 19, 30))
    roll(third, cast.member, U)
    [case] = removal_cases(org=cast.ward, year=2025)
    assert case.months == (1, 2, 11) and len(case.absences) == 4


def test_months_of_another_year_do_not_count(cast, rule_set):
    mark(monthly(cast.cell, rule_set, year=2024, months=[12]), cast.member, [U])
    mark(monthly(cast.cell, rule_set, year=2025, months=[11, 12]), cast.member, [U, U])
    # 06:00 on 1/1/2026 in Hà Nội is still 2025 in UTC: the year is the local one.
    roll(held_meeting(cast.cell, rule_set, start=local(2026, 1, 1, 6, 0)), cast.member, U)
    assert removal_cases(org=cast.ward, year=2025) == []
    assert removal_cases(org=cast.ward, year=2026) == []


def test_meetings_not_held_do_not_count(cast, rule_set):
    meetings = monthly(cast.cell, rule_set, months=[1, 2])
    mark(meetings, cast.member, [U, U])
    open_meeting = make_meeting(
        cast.cell, rule_set, when=local(2025, 3, 5, 19, 30), status=MeetingStatus.OPEN
    )
    roll(open_meeting, cast.member, U)
    assert removal_cases(org=cast.ward, year=2025) == []


def test_cases_stay_inside_the_subtree(cast, rule_set):
    other = make_member(cast.cell2, full_name="Phạm Văn Cường")
    mark(monthly(cast.cell2, rule_set, months=[1, 2, 3]), other, [U, U, U])
    assert [c.member for c in removal_cases(org=cast.ward, year=2025)] == [other]
    assert [c.member for c in removal_cases(org=cast.cell2, year=2025)] == [other]
    assert removal_cases(org=cast.cell, year=2025) == []
    assert removal_cases(org=cast.ward2, year=2025) == []


# --- excused streaks -------------------------------------------------------------------------------------


def test_three_excused_in_a_row_is_no_warning(cast, rule_set):
    mark(monthly(cast.cell, rule_set), cast.member, [P, E, E, E, P, E, E, E, P])
    assert excused_streaks(org=cast.ward, year=2025) == []


def test_four_excused_in_a_row_is_a_warning(cast, rule_set):
    meetings = monthly(cast.cell, rule_set)
    mark(meetings, cast.member, [P, E, E, E, E, P])
    [streak] = excused_streaks(org=cast.ward, year=2025)
    assert (streak.member, streak.cell, streak.length) == (cast.member, cast.cell, 4)
    assert [a.meeting_id for a in streak.absences] == [m.pk for m in meetings[1:5]]


def test_a_present_or_unexcused_line_breaks_the_run(cast, rule_set):
    mark(monthly(cast.cell, rule_set), cast.member, [E, E, P, E, E, U, E, E])
    assert excused_streaks(org=cast.ward, year=2025) == []


def test_exempt_meetings_are_skipped_not_breaking_the_run(cast, rule_set):
    mark(monthly(cast.cell, rule_set), cast.member, [E, E, X, E, E])
    [streak] = excused_streaks(org=cast.ward, year=2025)
    assert streak.length == 4


def test_meetings_off_the_members_roll_call_are_skipped(cast, rule_set):
    # Transferred away for two months: the run continues over the meetings they were summoned to.
    mark(monthly(cast.cell, rule_set), cast.member, [E, E, None, None, E, E])
    assert excused_streaks(org=cast.ward, year=2025)[0].length == 4


def test_thematic_meetings_neither_count_nor_break(cast, rule_set):
    regular = monthly(cast.cell, rule_set, months=[1, 2, 3, 4])
    thematic = monthly(cast.cell, rule_set, months=[1, 2, 3], day=20, kind=MeetingKind.THEMATIC)
    mark(regular, cast.member, [E, E, E, P])
    mark(thematic, cast.member, [E, E, P])
    assert excused_streaks(org=cast.ward, year=2025) == []


def test_a_run_does_not_cross_the_new_year(cast, rule_set):
    mark(monthly(cast.cell, rule_set, year=2024, months=[11, 12]), cast.member, [E, E])
    mark(monthly(cast.cell, rule_set, year=2025, months=[1, 2]), cast.member, [E, E])
    assert excused_streaks(org=cast.ward, year=2025) == []


def test_two_runs_of_one_member_are_both_reported(cast, rule_set):
    mark(monthly(cast.cell, rule_set), cast.member, [E, E, E, E, P, E, E, E, E, E])
    assert [s.length for s in excused_streaks(org=cast.ward, year=2025)] == [4, 5]


# --- bounded queries ------------------------------------------------------------------------------------

_cards = itertools.count(90000000)


def _members(n):
    return Member.objects.bulk_create(
        [
            Member(
                full_name=f"Đảng viên {i}",
                given_name=str(i),
                sort_name=f"{i} Đảng viên",
                gender=Gender.MALE,
                card_number=str(next(_cards)),
                admitted_on=dt.date(2010, 1, 1),
            )
            for i in range(n)
        ]
    )


def _queries(fn, org):
    with CaptureQueriesContext(connection) as ctx:
        result = fn(org=org, year=2025)
    return len(ctx.captured_queries), len(result)


@pytest.mark.parametrize("fn", [removal_cases, excused_streaks])
def test_the_warnings_cost_the_same_queries_for_5_or_50_members(cast, rule_set, fn):
    meetings = {cell: monthly(cell, rule_set, months=[1, 2, 3, 4]) for cell in (cast.cell, cast.cell2)}
    status = U if fn is removal_cases else E

    def add(n):
        rows = []
        for i, member in enumerate(_members(n)):
            cell = cast.cell if i % 2 else cast.cell2
            rows += [Attendance(meeting=m, member=member, status=status, reason="x") for m in meetings[cell]]
        Attendance.objects.bulk_create(rows)

    add(5)
    few, found = _queries(fn, cast.ward)
    assert found == 5
    add(45)
    many, found = _queries(fn, cast.ward)
    assert found == 50
    assert many == few <= 3
