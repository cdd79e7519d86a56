"""supervised_cells: the supervision_rate numerator comes from visits (DOMAIN §8)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.common.dates import local_midnight
from chibo.meetings.models import Meeting, MeetingStatus
from chibo.supervision import services
from chibo.supervision.models import Visit
from chibo.supervision.selectors import supervised_cells
from tests.resolutions.conftest import hold_meeting
from tests.supervision.conftest import local, record_visit

pytestmark = pytest.mark.django_db
Q1 = (local_midnight(dt.date(2025, 1, 1)), local_midnight(dt.date(2025, 4, 1)))


def test_a_visited_held_meeting_in_the_quarter_counts(cast, visit):
    assert supervised_cells([cast.cell.pk, cast.cell2.pk], *Q1) == {cast.cell.pk}
    assert supervised_cells(None, *Q1) == {cast.cell.pk}
    assert supervised_cells([cast.cell2.pk], *Q1) == set()
    assert supervised_cells([], *Q1) == set()


def test_quarter_bounds_are_half_open_in_local_time(cast, task_rules, assignment):
    # 31/03 23:30 local is still Q1 (it is 16:30 UTC); 01/04 00:00 local is Q2.
    last = hold_meeting(cast, task_rules, local(2025, 3, 31, 23, 30))
    record_visit(last, assignment)
    assert supervised_cells(None, *Q1) == {cast.cell.pk}
    q2 = (local_midnight(dt.date(2025, 4, 1)), local_midnight(dt.date(2025, 7, 1)))
    assert supervised_cells(None, *q2) == set()
    Meeting.objects.filter(pk=last.pk).update(started_at=local(2025, 4, 1, 0, 0))
    assert supervised_cells(None, *Q1) == set() and supervised_cells(None, *q2) == {cast.cell.pk}


def test_the_started_time_wins_over_the_scheduled_one(cast, visit):
    Meeting.objects.filter(pk=visit.meeting_id).update(scheduled_at=local(2025, 4, 5, 19, 30))
    assert supervised_cells(None, *Q1) == {cast.cell.pk}


def test_only_held_meetings_count(cast, visit):
    Meeting.objects.filter(pk=visit.meeting_id).update(status=MeetingStatus.OPEN)
    assert supervised_cells(None, *Q1) == set()


def test_only_a_visit_under_an_assignment_covering_that_day_counts(cast, visit):
    # A term rewritten afterwards so that it no longer covers the meeting's day: not an assigned visit.
    type(visit.assignment).objects.filter(pk=visit.assignment_id).update(valid_from=dt.date(2025, 3, 6))
    assert supervised_cells(None, *Q1) == set()
    type(visit.assignment).objects.filter(pk=visit.assignment_id).update(
        valid_from=dt.date(2025, 1, 1), unit=cast.cell2
    )
    assert supervised_cells(None, *Q1) == set()


def test_one_query_whatever_the_number_of_visits(cast, task_rules, assignment):
    for day in (5, 12, 19):
        record_visit(hold_meeting(cast, task_rules, local(2025, 2, day, 19, 30)), assignment)
    other = services.assignment_create(
        committee=cast.ward,
        user=cast.supervisor,
        unit=cast.cell2,
        valid_from=dt.date(2025, 1, 1),
        by=cast.staff,
    )
    assert Visit.objects.count() == 3 and other.pk
    with CaptureQueriesContext(connection) as queries:
        assert supervised_cells(None, *Q1) == {cast.cell.pk}
    assert len(queries) == 1
