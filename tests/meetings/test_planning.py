import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.meetings.models import Meeting, MeetingKind, MeetingStatus
from chibo.meetings.services.planning import (
    meeting_cancel,
    meeting_create,
    meeting_reschedule,
    meeting_update,
    plan_year,
    suggested_day,
)
from chibo.orgs.services import org_update
from tests.factories import make_org

pytestmark = pytest.mark.django_db


def at(y, m, d, hh=19, mm=30):
    return timezone.make_aware(dt.datetime(y, m, d, hh, mm))


def test_plan_year_gives_each_cell_12_regular_and_4_thematic_meetings(cast, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        created = plan_year(org=cast.city, year=2026, by=SYSTEM)
    assert len(created) == 3 * 16
    for cell in (cast.cell, cast.cell2, cast.other_cell):
        meetings = Meeting.objects.filter(cell=cell)
        assert meetings.filter(kind=MeetingKind.REGULAR).count() == 12
        thematic = meetings.filter(kind=MeetingKind.THEMATIC)
        assert sorted(timezone.localtime(m.scheduled_at).month for m in thematic) == [3, 6, 9, 12]
        assert all(m.shares_session_with_id for m in thematic)
    assert AuditEntry.objects.filter(model="meetings.meeting", action="create").count() == 48


def test_plan_year_suggests_a_weekday_evening_inside_the_committees_window(cast):
    plan_year(org=cast.cell, year=2026, regular_day_window=(5, 12), by=SYSTEM)
    for meeting in Meeting.objects.filter(cell=cast.cell, kind=MeetingKind.REGULAR):
        local = timezone.localtime(meeting.scheduled_at)
        assert 5 <= local.day <= 12
        assert local.weekday() < 5
        assert (local.hour, local.minute) == (19, 30)
    assert suggested_day(2026, 2, (1, 10)) == dt.date(2026, 2, 2)  # 01/02/2026 is a Sunday


def test_running_plan_year_twice_creates_nothing_new(cast):
    plan_year(org=cast.ward, year=2026, by=SYSTEM)
    assert plan_year(org=cast.ward, year=2026, by=SYSTEM) == []
    assert Meeting.objects.count() == 32


def test_plan_year_skips_months_that_already_have_a_regular_meeting(cast):
    meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 3, 20), by=SYSTEM)
    meeting_create(cell=cast.cell, kind=MeetingKind.THEMATIC, scheduled_at=at(2026, 2, 20), by=SYSTEM)
    created = plan_year(org=cast.cell, year=2026, by=SYSTEM)
    assert len([m for m in created if m.kind == MeetingKind.REGULAR]) == 11
    # Q1 already has its thematic meeting (February).
    assert sorted(timezone.localtime(m.scheduled_at).month for m in created if m.kind == "thematic") == [
        6,
        9,
        12,
    ]


def test_plan_year_skips_cells_dissolved_and_months_before_a_cell_is_founded(cast):
    young = make_org("Chi bộ mới", parent=cast.ward, founded_on=dt.date(2026, 7, 1))
    org_update(org=cast.cell2, dissolved_on=dt.date(2025, 12, 1), by=SYSTEM)
    created = plan_year(org=cast.ward, year=2026, by=SYSTEM)
    young_regular = [m for m in created if m.cell_id == young.pk and m.kind == MeetingKind.REGULAR]
    assert len(young_regular) == 6
    assert not [m for m in created if m.cell_id == cast.cell2.pk]


def test_plan_year_needs_a_thematic_meeting_in_every_quarter(cast):
    with pytest.raises(ValidationError) as err:
        plan_year(org=cast.cell, year=2026, thematic_months=(1, 2, 3), by=SYSTEM)
    assert "thematic_months" in err.value.error_dict


def test_a_second_regular_meeting_in_a_month_needs_a_reason_and_is_kept_with_it(cast):
    meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 3), by=SYSTEM)
    with pytest.raises(ValidationError) as err:
        meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 24), by=SYSTEM)
    assert "Lý do họp thêm" in err.value.message_dict["extra_reason"][0]
    extra = meeting_create(
        cell=cast.cell,
        kind=MeetingKind.REGULAR,
        scheduled_at=at(2026, 4, 24),
        extra_reason="Bầu cử bổ sung",
        by=SYSTEM,
    )
    assert extra.extra_reason == "Bầu cử bổ sung"


def test_the_month_is_the_local_calendar_month(cast):
    # 01/05/2026 00:30 in Hanoi is 30/04 in UTC: a different month here.
    meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 10), by=SYSTEM)
    meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 5, 1, 0, 30), by=SYSTEM)


def test_a_cancelled_regular_meeting_does_not_block_a_replacement(cast):
    first = meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 3), by=SYSTEM)
    meeting_cancel(meeting=first, reason="Mưa bão", by=SYSTEM)
    meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 10), by=SYSTEM)


def test_creating_the_same_meeting_twice_is_refused(cast):
    meeting_create(cell=cast.cell, kind=MeetingKind.THEMATIC, scheduled_at=at(2026, 4, 3), by=SYSTEM)
    with pytest.raises(ValidationError):
        meeting_create(cell=cast.cell, kind=MeetingKind.THEMATIC, scheduled_at=at(2026, 4, 3), by=SYSTEM)


def test_only_cells_hold_meetings(cast):
    with pytest.raises(ValidationError) as err:
        meeting_create(cell=cast.ward, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 3), by=SYSTEM)
    assert "cell" in err.value.error_dict


def test_cancel_needs_a_reason_and_cancelling_twice_is_harmless(cast):
    meeting = meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 3), by=SYSTEM)
    with pytest.raises(ValidationError) as err:
        meeting_cancel(meeting=meeting, reason="  ", by=SYSTEM)
    assert "reason" in err.value.error_dict
    meeting_cancel(meeting=meeting, reason="Trùng lịch bầu cử", by=SYSTEM)
    meeting_cancel(meeting=meeting, reason="Trùng lịch bầu cử", by=SYSTEM)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == (MeetingStatus.CANCELLED, "Trùng lịch bầu cử")


def test_reschedule_needs_a_reason_and_clears_the_notice(cast):
    meeting = meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 3), by=SYSTEM)
    with pytest.raises(ValidationError) as err:
        meeting_reschedule(meeting=meeting, scheduled_at=at(2026, 4, 6), reason="", by=SYSTEM)
    assert "reason" in err.value.error_dict
    meeting.notice_sent_at = timezone.now()
    meeting.save()
    meeting_reschedule(meeting=meeting, scheduled_at=at(2026, 4, 6), reason="Bí thư đi công tác", by=SYSTEM)
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.scheduled_at).day == 6
    assert meeting.reschedule_note == "Bí thư đi công tác"
    assert meeting.notice_sent_at is None


def test_after_the_notice_moving_the_date_is_a_reschedule(cast):
    meeting = meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 3), by=SYSTEM)
    meeting_update(meeting=meeting, place="Nhà văn hóa tổ 1", topic="Tổng kết quý I", by=SYSTEM)
    meeting.notice_sent_at = timezone.now()
    meeting.save()
    with pytest.raises(ValidationError) as err:
        meeting_update(meeting=meeting, scheduled_at=at(2026, 4, 4), by=SYSTEM)
    assert "scheduled_at" in err.value.error_dict


def test_a_meeting_that_is_not_planned_cannot_be_cancelled_or_moved(cast):
    meeting = meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 3), by=SYSTEM)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD)
    meeting.refresh_from_db()
    with pytest.raises(ValidationError):
        meeting_cancel(meeting=meeting, reason="x", by=SYSTEM)
    with pytest.raises(ValidationError):
        meeting_reschedule(meeting=meeting, scheduled_at=at(2026, 4, 9), reason="x", by=SYSTEM)
