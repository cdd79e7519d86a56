"""Read-side queries for resolutions and tasks; bounded query counts (no per-member queries)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from chibo.common.dates import local_midnight, month_end
from chibo.meetings.models import Meeting, MeetingKind, MeetingStatus
from chibo.members.selectors import roster_on
from chibo.orgs.models import Organisation
from chibo.resolutions import rules
from chibo.resolutions.models import ACTIVE_STATUSES, Task, TaskStatus


def meetings_in_month(cell_ids, year: int, month: int, *, statuses=(MeetingStatus.HELD,)) -> QuerySet:
    """Meetings of these cells whose (local) date falls in the month: the recorded start, else the schedule."""
    start = local_midnight(dt.date(year, month, 1))
    end = local_midnight(month_end(year, month) + dt.timedelta(days=1))
    return (
        Meeting.objects.filter(cell_id__in=cell_ids, status__in=statuses)
        .annotate(moment=Coalesce("started_at", "scheduled_at"))
        .filter(moment__gte=start, moment__lt=end)
    )


def task_coverage(cell: Organisation, day: dt.date, *, include_open: bool = False) -> rules.Coverage:
    """T5 on `day` for `cell`: the roster of that day against tasks from meetings of the cell held in
    that day's month. `include_open` also counts the meeting now running (the panel during a meeting)."""
    statuses = (MeetingStatus.HELD, MeetingStatus.OPEN) if include_open else (MeetingStatus.HELD,)
    origin = meetings_in_month([cell.pk], day.year, day.month, statuses=statuses)
    tasked = (
        Task.objects.filter(meeting__in=origin.values("pk")).values_list("member_id", flat=True).distinct()
    )
    roster = roster_on(cell, day).only("pk", "full_name", "work_status", "card_number", "official_on")
    return rules.classify_coverage(list(roster), list(tasked))


def review_tasks(meeting: Meeting) -> QuerySet:
    """What a meeting's "review tasks" step lists: every task of the cell assigned before this meeting and
    not yet evaluated, plus those this meeting already evaluated (so the list does not jump)."""
    moment = meeting.started_at or meeting.scheduled_at
    earlier = Q(meeting__started_at__lt=moment) | Q(
        meeting__started_at__isnull=True, meeting__scheduled_at__lt=moment
    )
    still_open = Q(evaluated_at__isnull=True) & ~Q(status=TaskStatus.CARRIED_OVER) & earlier
    return (
        Task.objects.filter(cell_id=meeting.cell_id)
        .filter(still_open | Q(evaluated_in=meeting))
        .exclude(meeting=meeting)
        .select_related("member", "meeting", "carried_to")
        .order_by("due_on", "member__sort_name", "pk")
    )


def tasks_of_meeting(meeting: Meeting) -> QuerySet:
    return (
        Task.objects.filter(meeting=meeting)
        .select_related("member", "report_meeting", "carried_from")
        .order_by("member__sort_name", "pk")
    )


def member_tasks(member) -> QuerySet:
    return (
        Task.objects.filter(member=member)
        .select_related("cell", "meeting", "evaluated_in")
        .annotate(origin_moment=Coalesce("meeting__started_at", "meeting__scheduled_at"))
        .order_by("-origin_moment", "-pk")
    )


def cell_completion(cell: Organisation, year: int) -> list[dict]:
    """Per month of the origin meeting: tasks given, done, not done, carried over, still open."""
    tz = ZoneInfo(settings.TIME_ZONE)
    rows = (
        Task.objects.filter(cell=cell)
        .annotate(moment=Coalesce("meeting__started_at", "meeting__scheduled_at"))
        .filter(
            moment__gte=local_midnight(dt.date(year, 1, 1)),
            moment__lt=local_midnight(dt.date(year + 1, 1, 1)),
        )
        .values_list("moment", "status", "evaluated_at")
    )
    keyed = []
    for moment, status, evaluated_at in rows:
        local = moment.astimezone(tz)
        keyed.append((local.year, local.month, status, evaluated_at is not None))
    return rules.completion_by_month(keyed)


def next_regular_meeting(meeting: Meeting) -> Meeting | None:
    """The cell's next planned regular meeting after this one: where its tasks are reported by default."""
    moment = meeting.started_at or meeting.scheduled_at
    return (
        Meeting.objects.filter(
            cell_id=meeting.cell_id,
            kind=MeetingKind.REGULAR,
            status__in=(MeetingStatus.PLANNED, MeetingStatus.OPEN),
            scheduled_at__gt=moment,
        )
        .exclude(pk=meeting.pk)
        .order_by("scheduled_at")
        .first()
    )


def overdue_tasks(cell: Organisation, day: dt.date) -> QuerySet:
    """Tasks of the cell still running after their deadline: what its leaders should chase."""
    return (
        Task.objects.filter(cell=cell, status__in=ACTIVE_STATUSES, due_on__lt=day)
        .select_related("member")
        .order_by("due_on", "member__sort_name", "pk")
    )


def open_tasks(member) -> QuerySet:
    """The member's tasks still running, the nearest deadline first."""
    return Task.objects.filter(member=member, status__in=ACTIVE_STATUSES).order_by("due_on", "pk")
