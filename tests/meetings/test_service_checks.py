"""The write services check their acting user themselves (`by`), whoever calls them: a sibling cell's
leader calling a service directly is refused and nothing is written; `by=None` is refused too;
`SYSTEM` (trusted code) passes."""

import pytest
from django.core.exceptions import PermissionDenied

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.meetings import access
from chibo.meetings.models import (
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
    MinutesAmendment,
    MinutesStatus,
)
from chibo.meetings.services.minutes import minutes_amend, minutes_approve, minutes_build, minutes_update
from chibo.meetings.services.planning import (
    meeting_cancel,
    meeting_create,
    meeting_reschedule,
    meeting_update,
    plan_year,
)
from tests.meetings.minutes_fixtures import held_meeting
from tests.meetings.test_planning import at

pytestmark = pytest.mark.django_db

REFUSED = [pytest.param("sibling_leader", id="sibling-leader"), pytest.param(None, id="by-None")]


def acting(cast, who):
    return getattr(cast, who) if who else None


@pytest.mark.parametrize("who", REFUSED)
def test_creating_and_planning_a_year_is_refused_outside_ones_cells(cast, who):
    by = acting(cast, who)
    with pytest.raises(PermissionDenied) as refused:
        meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 3), by=by)
    assert str(refused.value) == f"Bạn không có quyền lập lịch sinh hoạt cho {cast.cell.name}."
    with pytest.raises(PermissionDenied):
        plan_year(org=cast.ward, year=2026, by=by)
    assert not Meeting.objects.exists()
    assert not AuditEntry.objects.filter(model="meetings.meeting").exists()


@pytest.mark.parametrize("who", REFUSED)
def test_editing_rescheduling_and_cancelling_are_refused_outside_ones_cells(cast, who):
    meeting = meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 3), by=SYSTEM)
    by = acting(cast, who)
    calls = [
        lambda: meeting_update(meeting=meeting, place="Chỗ khác", by=by),
        lambda: meeting_reschedule(meeting=meeting, scheduled_at=at(2026, 4, 7), reason="Mưa bão", by=by),
        lambda: meeting_cancel(meeting=meeting, reason="Mưa bão", by=by),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied) as refused:
            call()
        assert str(refused.value) == access.EDIT_DENIED
    meeting.refresh_from_db()
    assert (meeting.status, meeting.place, meeting.scheduled_at) == (
        MeetingStatus.PLANNED,
        "",
        at(2026, 4, 3),
    )
    assert AuditEntry.objects.filter(model="meetings.meeting").count() == 1  # the creation only


def test_the_planning_services_work_for_system_and_the_cells_leader(cast):
    assert len(plan_year(org=cast.cell, year=2026, by=SYSTEM)) == 16
    meeting = meeting_create(
        cell=cast.cell, kind=MeetingKind.THEMATIC, scheduled_at=at(2026, 4, 20), by=cast.leader_user
    )
    meeting_update(meeting=meeting, place="Nhà văn hóa", by=SYSTEM)
    meeting_reschedule(
        meeting=meeting, scheduled_at=at(2026, 4, 21), reason="Trùng lịch", by=cast.leader_user
    )
    assert meeting_cancel(meeting=meeting, reason="Hoãn", by=SYSTEM).status == MeetingStatus.CANCELLED


@pytest.mark.parametrize("who", REFUSED)
def test_the_minutes_services_are_refused_outside_ones_cells(cast, rule_set, who):
    meeting = held_meeting(cast, rule_set)
    by = acting(cast, who)
    with pytest.raises(PermissionDenied):
        minutes_build(meeting=meeting, by=by)
    assert not Minutes.objects.exists()
    minutes = minutes_build(meeting=meeting, by=SYSTEM)
    with pytest.raises(PermissionDenied):
        minutes_update(minutes=minutes, body="Sửa trộm", by=by)
    with pytest.raises(PermissionDenied):
        minutes_approve(minutes=minutes, confirmed=True, by=by)
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.DRAFT and "Sửa trộm" not in minutes.body
    minutes_approve(minutes=minutes, confirmed=True, by=SYSTEM)
    with pytest.raises(PermissionDenied):
        minutes_amend(minutes=minutes, text="Thêm", reason="Sót", by=by)
    assert not MinutesAmendment.objects.exists()


def test_the_minutes_services_work_for_system_without_an_account(cast, rule_set):
    minutes = minutes_build(meeting=held_meeting(cast, rule_set), by=SYSTEM)
    minutes = minutes_update(minutes=minutes, body="Nội dung đã sửa", by=SYSTEM)
    minutes = minutes_approve(minutes=minutes, confirmed=True, by=SYSTEM)
    assert minutes.status == MinutesStatus.APPROVED and minutes.approved_by is None
    amendment = minutes_amend(minutes=minutes, text="Bổ sung", reason="Sót ý", by=SYSTEM)
    assert amendment.created_by is None
