"""The demo's resolutions, conclusions and tasks: what the resolution services would have written."""

import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict

import pytest
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from chibo.common.dates import add_months, month_end
from chibo.demo.accounts import create_demo_accounts
from chibo.demo.generator import SeedSpec, seed
from chibo.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingKind, MeetingStatus, Vote
from chibo.members.models import Member, WorkStatus
from chibo.orgs.models import Organisation
from chibo.resolutions.models import (
    ACTIVE_STATUSES,
    Resolution,
    ResolutionKind,
    ResolutionStatus,
    Task,
    TaskNote,
    TaskStatus,
)
from chibo.resolutions.selectors import task_coverage

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 15)
SPEC = SeedSpec(cells=30, members_per_cell=20, months=8, seed=5, today=TODAY)


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def held():
    return Meeting.objects.filter(status=MeetingStatus.HELD)


def test_every_held_meeting_has_its_resolution_or_conclusion_drawn_from_its_record():
    seed(SPEC)
    meetings = list(held().prefetch_related("attendances"))
    resolutions = {r.meeting_id: r for r in Resolution.objects.all()}
    assert len(meetings) > 150 and set(resolutions) == {m.pk for m in meetings}
    passing = {v.meeting_id: v.pk for v in Vote.objects.filter(passed=True)}
    statuses = Counter()
    for meeting in meetings:
        r = resolutions[meeting.pk]
        day = local_day(meeting.started_at)
        assert r.cell_id == meeting.cell_id and r.issued_on == day and r.year == day.year
        expected = (
            ResolutionKind.RESOLUTION if meeting.kind == MeetingKind.REGULAR else ResolutionKind.CONCLUSION
        )
        assert r.kind == expected
        lines = list(meeting.attendances.all())
        required = sum(1 for a in lines if not a.is_exempt)
        present = sum(1 for a in lines if not a.is_exempt and a.status == AttendanceStatus.PRESENT)
        assert f"phải dự: {required}." in r.preamble
        assert f"Có mặt: {present} (" in r.preamble
        assert r.direction.strip() and r.assignments.strip() and r.results.strip()
        assert r.vote_id == passing.get(meeting.pk)
        statuses[r.status] += 1
        if r.status == ResolutionStatus.APPROVED:
            assert r.number and r.approved_at is not None
            assert meeting.ended_at < r.approved_at <= meeting.ended_at + dt.timedelta(days=4, minutes=1)
            if r.kind == ResolutionKind.RESOLUTION:
                assert r.vote_id is not None  # resolution_approve needs the passing vote
        else:
            assert r.number == "" and r.approved_at is None
            assert (TODAY - r.issued_on).days < 30 or r.vote_id is None
    assert statuses[ResolutionStatus.APPROVED] > 0.9 * len(meetings)
    assert statuses[ResolutionStatus.DRAFT] > 0  # a few drafts in the last month


def test_resolution_numbers_run_per_cell_year_and_kind_without_duplicates():
    seed(SPEC)
    numbered = Resolution.objects.exclude(number="").order_by("approved_at")
    assert Counter((r.cell_id, r.year, r.number) for r in numbered).most_common(1)[0][1] == 1
    sequences = defaultdict(list)
    for r in numbered:
        suffix = "-NQ/CB" if r.kind == ResolutionKind.RESOLUTION else "-KL/CB"
        assert re.fullmatch(r"\d{2}" + re.escape(suffix), r.number), r.number
        sequences[(r.cell_id, r.year, r.kind)].append(int(r.number[:2]))
    for numbers in sequences.values():
        assert numbers == list(range(1, len(numbers) + 1))  # in the order of approval
    assert {year for _cell, year, _kind in sequences} == {2025, 2026}  # numbers restart each year


def test_every_month_with_held_regular_meetings_has_resolutions_and_tasks_from_the_roll_call():
    seed(SPEC)
    months = {(local_day(m.started_at).year, local_day(m.started_at).month) for m in held()}
    assert len(months) == SPEC.months
    tasks = list(Task.objects.select_related("meeting"))
    task_months = Counter(
        (local_day(t.meeting.started_at).year, local_day(t.meeting.started_at).month) for t in tasks
    )
    resolution_months = Counter((r.issued_on.year, r.issued_on.month) for r in Resolution.objects.all())
    for month in months:
        assert task_months[month] > 100 and resolution_months[month] > 20
    # Only members on the origin meeting's roll call get a task, and not an exempted one.
    on_roll = Attendance.objects.filter(
        meeting=OuterRef("meeting"), member=OuterRef("member"), is_exempt=False
    )
    assert not Task.objects.filter(~Exists(on_roll)).exists()
    for t in tasks:
        assert t.cell_id == t.meeting.cell_id and t.meeting.status == MeetingStatus.HELD
        day = local_day(t.meeting.started_at)
        assert t.due_on >= day
        if t.report_meeting_id:
            assert t.report_meeting.cell_id == t.cell_id and t.report_meeting.kind == MeetingKind.REGULAR
            assert t.report_meeting.scheduled_at > t.meeting.scheduled_at
            assert t.due_on < local_day(t.report_meeting.scheduled_at)  # due before the next meeting
    # Thematic meetings give tasks now and then; retired members get some too.
    assert any(t.meeting.kind == MeetingKind.THEMATIC for t in tasks)
    work = dict(Member.objects.values_list("pk", "work_status"))
    assert sum(1 for t in tasks if work[t.member_id] == WorkStatus.RETIRED) > 50


def test_coverage_of_a_past_month_is_mostly_between_80_and_100_percent_but_not_100_everywhere():
    seed(SPEC)
    month = add_months(TODAY.replace(day=1), -2)
    last = month_end(month.year, month.month)
    cells = Organisation.objects.filter(pk__in=held().values("cell_id")).distinct()
    rates = []
    for cell in cells:
        coverage = task_coverage(cell, last)
        if coverage.denominator:
            rates.append(coverage.numerator / coverage.denominator)
    assert len(rates) >= 25
    assert sum(1 for r in rates if 0.8 <= r <= 1.0) >= 0.8 * len(rates)
    assert any(r == 1.0 for r in rates) and any(r < 1.0 for r in rates)
    assert 0.85 <= sum(rates) / len(rates) < 1.0


def test_evaluations_at_the_next_held_regular_meeting_done_not_done_and_carried_over_with_follow_ups():
    seed(SPEC)
    tasks = list(Task.objects.select_related("meeting", "evaluated_in", "carried_from"))
    evaluated = [t for t in tasks if t.evaluated_at is not None]
    outcomes = Counter(t.status for t in evaluated)
    assert 0.65 < outcomes[TaskStatus.DONE] / len(evaluated) < 0.85
    assert 0.05 < outcomes[TaskStatus.NOT_DONE] / len(evaluated) < 0.18
    assert 0.05 < outcomes[TaskStatus.CARRIED_OVER] / len(evaluated) < 0.18
    later_regular = defaultdict(list)
    for m in held().filter(kind=MeetingKind.REGULAR):
        later_regular[m.cell_id].append(m)
    late = 0
    dissolved = set(Organisation.objects.exclude(dissolved_on=None).values_list("pk", flat=True))
    for t in evaluated:
        judge = t.evaluated_in
        if judge is None:  # a dissolved cell's last tasks, evaluated before the merger
            assert t.cell_id in dissolved and t.status in (TaskStatus.DONE, TaskStatus.NOT_DONE)
            continue
        assert judge.cell_id == t.cell_id and judge.kind == MeetingKind.REGULAR
        assert judge.status == MeetingStatus.HELD and judge.started_at > t.meeting.ended_at
        assert local_day(t.evaluated_at) == local_day(judge.started_at)
        assert t.due_on < local_day(judge.started_at)
        if t.status == TaskStatus.DONE:
            assert t.progress == 100 and t.completed_at is not None and t.completed_at <= t.evaluated_at
            late += local_day(t.completed_at) > t.due_on
        else:
            assert t.completed_at is None and t.progress < 100
    assert 0.05 * outcomes[TaskStatus.DONE] < late < 0.35 * outcomes[TaskStatus.DONE]
    follow_ups = {t.carried_from_id: t for t in tasks if t.carried_from_id}
    for t in evaluated:
        if t.status == TaskStatus.CARRIED_OVER:
            f = follow_ups[t.pk]
            assert (f.member_id, f.text, f.meeting_id) == (t.member_id, t.text, t.evaluated_in_id)
            assert f.due_on > local_day(t.evaluated_in.started_at) and f.progress >= t.progress
    assert set(follow_ups) <= {t.pk for t in evaluated if t.status == TaskStatus.CARRIED_OVER}


def test_the_latest_tasks_are_still_running_with_notes_and_some_overdue():
    seed(SPEC)
    running = Task.objects.filter(evaluated_at=None)
    statuses = Counter(running.values_list("status", flat=True))
    assert statuses[TaskStatus.ASSIGNED] > 20 and statuses[TaskStatus.IN_PROGRESS] > 20
    assert statuses[TaskStatus.DONE] > 0  # reported done by the member, not yet evaluated
    assert not running.filter(status__in=[TaskStatus.NOT_DONE, TaskStatus.CARRIED_OVER]).exists()
    assert running.filter(status__in=ACTIVE_STATUSES, due_on__lt=TODAY).exists()
    assert not running.filter(cell__dissolved_on__isnull=False).exists()  # evaluated before the merger
    notes = list(TaskNote.objects.select_related("task"))
    assert len(notes) > 20
    for note in notes:
        assert note.task.evaluated_at is None and local_day(note.created_at) < TODAY
        assert note.created_at >= note.task.created_at
    assert (
        running.filter(status=TaskStatus.IN_PROGRESS, progress__gt=0).count()
        == statuses[TaskStatus.IN_PROGRESS]
    )


def test_the_demo_member_has_an_open_task_and_history_and_the_secretary_sees_overdue_tasks():
    result = seed(SPEC)
    create_demo_accounts(result)
    member = Member.objects.get(user__username="dangvien")
    mine = Task.objects.filter(member=member)
    assert mine.filter(evaluated_at=None, status__in=ACTIVE_STATUSES).exists()
    assert mine.exclude(evaluated_at=None).count() >= 3
    cell = Organisation.objects.get(positions__member__user__username="bithu", positions__valid_until=None)
    overdue = Task.objects.filter(cell=cell, status__in=ACTIVE_STATUSES, due_on__lt=TODAY)
    assert overdue.exists()
    assert (
        Task.objects.filter(cell=cell, created_by__username="bithu").count()
        == Task.objects.filter(cell=cell).count()
    )


def test_the_same_seed_gives_the_same_tasks():
    small = SeedSpec(cells=6, members_per_cell=10, months=4, seed=9, today=TODAY)

    def digest(spec):
        h = hashlib.sha256()
        with transaction.atomic():
            seed(spec)
            for row in Task.objects.order_by(
                "meeting__scheduled_at", "member__card_number", "text"
            ).values_list(
                "member__card_number", "text", "due_on", "status", "progress", "completed_at", "evaluated_at"
            ):
                h.update(repr(row).encode())
            for row in Resolution.objects.order_by("issued_on", "cell__code", "kind").values_list(
                "number", "preamble", "results", "assignments", "status"
            ):
                h.update(repr(row).encode())
            transaction.set_rollback(True)
        return h.hexdigest()

    first = digest(small)
    assert first == digest(small)
    assert first != digest(SeedSpec(cells=6, members_per_cell=10, months=4, seed=10, today=TODAY))
