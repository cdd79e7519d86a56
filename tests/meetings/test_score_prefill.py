"""What the data already shows, pre-filled for the scorer (issue 3 §6), and the suggested points."""

import datetime as dt

import pytest

from chibo.meetings.models import (
    AttendanceStatus,
    MeetingKind,
    MeetingMaterial,
    MeetingStep,
    Minutes,
    MinutesStatus,
    RuleStep,
    Speech,
)
from chibo.meetings.scoring_rules import suggest
from chibo.meetings.services.scoring import score_facts, suggestions_for
from tests.factories import make_member
from tests.meetings.scoring_data import held_meeting, local, make_sheet, roll

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)
START = local(2025, 3, 5, 19, 30)


@pytest.fixture
def people(cast):
    return [cast.secretary, cast.member] + [make_member(cast.cell) for _ in range(3)]


# --- attendance ----------------------------------------------------------------------------------------


def test_an_exempted_member_who_attends_is_in_neither_number(cast, rule_set, people):
    meeting = held_meeting(cast.cell, rule_set)
    a, b, c, d, e = people
    roll(meeting, a)
    roll(meeting, b)
    roll(meeting, c)
    roll(meeting, d, AttendanceStatus.EXCUSED, reason="Ốm")
    roll(meeting, e, is_exempt=True)  # exempted, came anyway
    facts = score_facts(meeting)
    assert (facts.present, facts.required, facts.attendance_pct) == (3, 4, 75)


def test_exempted_absent_and_unexcused_members(cast, rule_set, people):
    meeting = held_meeting(cast.cell, rule_set)
    a, b, c, d, e = people
    roll(meeting, a)
    roll(meeting, b)
    roll(meeting, c, AttendanceStatus.UNEXCUSED)
    roll(meeting, d, AttendanceStatus.EXEMPT, is_exempt=True)
    facts = score_facts(meeting)
    assert (facts.present, facts.required, facts.attendance_pct) == (2, 3, 67)
    assert facts.attendance_text == "66,7%" and facts.attendance_ok is False


# --- duration ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("minutes", "ok"), [(89, False), (90, True), (150, True)])
def test_duration_is_measured_against_90_minutes(cast, rule_set, minutes, ok):
    facts = score_facts(held_meeting(cast.cell, rule_set, minutes=minutes))
    assert (facts.duration, facts.min_minutes, facts.duration_ok) == (minutes, 90, ok)


@pytest.mark.parametrize(("minutes", "ok"), [(119, False), (120, True)])
def test_a_shared_session_needs_120_minutes_on_both_meetings(cast, rule_set, minutes, ok):
    regular = held_meeting(cast.cell, rule_set, minutes=minutes)
    thematic = held_meeting(
        cast.cell, rule_set, kind=MeetingKind.THEMATIC, minutes=minutes, shares_session_with=regular
    )
    for meeting in (regular, thematic):
        facts = score_facts(meeting)
        assert (facts.min_minutes, facts.shares_session, facts.duration_ok) == (120, True, ok)


def test_the_rule_sets_own_minimum_is_used(cast, rule_set):
    rule_set.min_minutes_regular = 60
    rule_set.save()
    facts = score_facts(held_meeting(cast.cell, rule_set, minutes=60))
    assert (facts.min_minutes, facts.duration_ok) == (60, True)


# --- speakers ------------------------------------------------------------------------------------------


def test_share_of_present_members_who_spoke_counts_the_roll_call_and_speeches(cast, rule_set, people):
    meeting = held_meeting(cast.cell, rule_set)
    a, b, c, d, e = people
    roll(meeting, a, spoke=True)
    roll(meeting, b)
    roll(meeting, c)
    roll(meeting, d, is_exempt=True)  # came although exempted: in the room, did not speak
    roll(meeting, e, AttendanceStatus.EXCUSED, reason="Công tác")
    Speech.objects.create(meeting=meeting, member=b, gist="Đề nghị sửa đường ngõ 5")
    Speech.objects.create(meeting=meeting, member=b, gist="Ý kiến thứ hai")
    Speech.objects.create(meeting=meeting, member=a, gist="Báo cáo")
    facts = score_facts(meeting)
    assert (facts.speakers, facts.present_all, facts.speakers_pct) == (2, 4, 50)


# --- steps ---------------------------------------------------------------------------------------------


def test_mandatory_steps_done_and_the_missing_ones_are_listed(cast, rule_set):
    meeting = held_meeting(cast.cell, rule_set)
    for order, (title, mandatory, done) in enumerate(
        [
            ("Điểm danh", True, True),
            ("Báo cáo kết quả tháng trước", True, False),
            ("Khen thưởng, nhắc nhở", False, False),
            ("Biểu quyết nghị quyết", True, True),
            ("Thông qua biên bản", True, False),
        ],
        start=1,
    ):
        MeetingStep.objects.create(meeting=meeting, order=order, title=title, mandatory=mandatory, done=done)
    facts = score_facts(meeting)
    assert (facts.steps_done, facts.steps_total) == (2, 4)
    assert facts.missing_steps == ("Báo cáo kết quả tháng trước", "Thông qua biên bản")


def test_without_recorded_steps_every_mandatory_step_of_the_rule_set_is_missing(cast, rule_set):
    RuleStep.objects.create(
        rule_set=rule_set, meeting_kind="regular", order=1, code="roll", title="Điểm danh"
    )
    RuleStep.objects.create(
        rule_set=rule_set, meeting_kind="regular", order=2, code="praise", title="Khen", mandatory=False
    )
    RuleStep.objects.create(
        rule_set=rule_set, meeting_kind="thematic", order=1, code="topic", title="Chuyên đề"
    )
    facts = score_facts(held_meeting(cast.cell, rule_set))
    assert (facts.steps_done, facts.steps_total, facts.missing_steps) == (0, 1, ("Điểm danh",))


# --- materials and minutes -----------------------------------------------------------------------------


@pytest.mark.parametrize(("hours_before", "on_time"), [(23, False), (24, True), (25, True)])
def test_materials_must_reach_members_a_full_day_before(cast, rule_set, hours_before, on_time):
    meeting = held_meeting(cast.cell, rule_set, start=START)
    MeetingMaterial.objects.create(
        meeting=meeting, title="Dự thảo nghị quyết", published_at=START - hours_before * H
    )
    MeetingMaterial.objects.create(meeting=meeting, title="Chưa công bố", published_at=None)
    facts = score_facts(meeting)
    assert facts.materials_on_time is on_time
    assert facts.materials_deadline == START - 24 * H


def test_an_unpublished_material_is_not_on_time(cast, rule_set):
    meeting = held_meeting(cast.cell, rule_set, start=START)
    MeetingMaterial.objects.create(meeting=meeting, title="Dự thảo", published_at=None)
    assert score_facts(meeting).materials_on_time is False


def test_without_a_start_the_scheduled_time_is_used_for_materials(cast, rule_set):
    meeting = held_meeting(cast.cell, rule_set, start=START)
    meeting.started_at = meeting.ended_at = None
    meeting.save()
    MeetingMaterial.objects.create(meeting=meeting, title="Dự thảo", published_at=START - 25 * H)
    facts = score_facts(meeting)
    assert facts.materials_on_time is True and facts.duration is None and facts.duration_ok is None


@pytest.mark.parametrize(
    ("approved", "on_time"),
    # Held on 05/03 from 19:30 to 21:30; two days = until the end of 07/03, Hanoi time.
    [(local(2025, 3, 7, 8, 0), True), (local(2025, 3, 7, 23, 59), True), (local(2025, 3, 8, 0, 1), False)],
)
def test_minutes_approved_within_two_days_of_the_meeting(cast, rule_set, approved, on_time):
    meeting = held_meeting(cast.cell, rule_set, start=START, minutes=120)
    Minutes.objects.create(meeting=meeting, body="…", status=MinutesStatus.APPROVED, approved_at=approved)
    facts = score_facts(meeting, now=START + 100 * H)
    assert facts.minutes_on_time is on_time
    assert facts.minutes_deadline == dt.date(2025, 3, 7)


def test_minutes_not_approved_are_pending_before_the_deadline_and_late_after(cast, rule_set):
    meeting = held_meeting(cast.cell, rule_set, start=START, minutes=120)
    Minutes.objects.create(meeting=meeting, body="…", status=MinutesStatus.DRAFT)
    assert score_facts(meeting, now=local(2025, 3, 7, 23, 0)).minutes_on_time is None
    assert score_facts(meeting, now=local(2025, 3, 8, 0, 30)).minutes_on_time is False


# --- suggestions ---------------------------------------------------------------------------------------


def _attendance_meeting(cast, rule_set, present, absent):
    meeting = held_meeting(cast.cell, rule_set)
    for i in range(present + absent):
        status = AttendanceStatus.PRESENT if i < present else AttendanceStatus.EXCUSED
        roll(meeting, make_member(cast.cell), status, reason="Ốm" if i >= present else "")
    return meeting


@pytest.mark.parametrize(("present", "absent", "points"), [(9, 1, 5), (8, 2, 2), (6, 4, 0)])
def test_attendance_gets_full_points_from_90_percent(cast, rule_set, present, absent, points):
    sheet = make_sheet(rule_set)
    facts = score_facts(_attendance_meeting(cast, rule_set, present, absent))
    attendance = sheet.criteria.get(code="attendance")
    suggestion = suggestions_for([attendance], facts)[attendance.pk]
    assert suggestion.points == points
    assert suggestion.reason.startswith(f"dự họp {present * 10}%")


def test_suggestions_cover_the_criteria_the_data_measures_only(cast, rule_set):
    sheet = make_sheet(rule_set)
    meeting = held_meeting(
        cast.cell, rule_set, minutes=95, drafter=cast.secretary, prep_meeting_on=START.date()
    )
    for order, done in enumerate([True, True, True, False], start=1):
        MeetingStep.objects.create(meeting=meeting, order=order, title=f"Bước {order}", done=done)
    Minutes.objects.create(
        meeting=meeting, body="…", status=MinutesStatus.APPROVED, approved_at=START + 3 * H
    )
    suggestions = {
        c.code: s.points
        for c in sheet.criteria.all()
        if (s := suggestions_for([c], score_facts(meeting)).get(c.pk))
    }
    # time: 95 ≥ 90 · preparation: 2 of 4 checks · conduct: 3 of 4 steps of 40 · closing: minutes in time;
    # attendance has no roll call, principles and results are for the scorer to judge.
    assert suggestions == {"time": 5, "preparation": 5, "conduct": 30, "closing": 5}


@pytest.mark.parametrize(
    ("code", "measured"),
    [
        ("time-duration", True),
        ("thoi-gian", True),
        ("chuan-bi", True),
        ("results", False),
        ("principles", False),
    ],
)
def test_criterion_codes_map_to_facts_by_their_words(cast, rule_set, code, measured):
    facts = score_facts(held_meeting(cast.cell, rule_set))
    assert (suggest(code, 10, facts) is not None) is measured
