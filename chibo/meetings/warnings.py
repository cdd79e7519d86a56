"""The two attendance warnings of DOMAIN §5, read from the stored roll calls of held meetings.

- Removal (xóa tên): a member absent without reason in 3 different months of one calendar year,
  consecutive or not. Two unexcused absences in the same month count as one month.
- Excused streak: a member absent with reason more than 3 times in a row within a year, counted over
  the regular meetings they were on the roll call of; meetings where they were exempt are skipped
  (neither counted nor breaking the run); any other line (present, unexcused) breaks it.

Both work on an organisation's subtree with a fixed number of queries (one for the roll-call lines,
one for the members, one for the cells), whatever the number of members. A month is the month of the
meeting's start (its scheduled time if no start was recorded) in Asia/Ho_Chi_Minh.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone

from chibo.common.collation import name_order, sort_key
from chibo.meetings.models import Attendance, AttendanceStatus, MeetingKind, MeetingStatus
from chibo.members.models import Member
from chibo.orgs.models import Organisation, in_subtree_q

REMOVAL_MONTHS = 3  # months with an unexcused absence in one year that make a case for removal
EXCUSED_STREAK_LIMIT = 3  # more excused absences in a row than this breaks the HD 12 criterion


@dataclass(frozen=True)
class Absence:
    meeting_id: int
    at: dt.datetime  # local time of the meeting
    cell: Organisation


@dataclass(frozen=True)
class RemovalCase:
    member: Member
    cell: Organisation  # the cell of the latest of the absences
    months: tuple[int, ...]
    absences: tuple[Absence, ...]


@dataclass(frozen=True)
class ExcusedStreak:
    member: Member
    cell: Organisation  # the cell of the last meeting of the run
    absences: tuple[Absence, ...]

    @property
    def length(self) -> int:
        return len(self.absences)


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


def _held_lines(org: Organisation, year: int) -> QuerySet:
    """Roll-call lines of the held meetings of `org`'s subtree in `year`, each with the meeting's time."""
    start, end = _year_bounds(year)
    return (
        Attendance.objects.filter(
            in_subtree_q(org, via="meeting__cell"),
            meeting__status=MeetingStatus.HELD,
        )
        .annotate(at=Coalesce("meeting__started_at", "meeting__scheduled_at"))
        .filter(at__gte=start, at__lt=end)
    )


def _load(member_ids, cell_ids) -> tuple[dict, dict]:
    return Member.objects.in_bulk(set(member_ids)), Organisation.objects.in_bulk(set(cell_ids))


def _by_name(member: Member):
    return (sort_key(member.given_name), sort_key(member.sort_name), member.pk)


def _unexcused_lines(org: Organisation, year: int) -> QuerySet:
    return _held_lines(org, year).filter(status=AttendanceStatus.UNEXCUSED, is_exempt=False)


def removal_members(*, org: Organisation, year: int) -> QuerySet:
    """The members of removal_cases, by name, as one query: counted and sliced in the database (a page
    of a city's list reads only its rows). The months are those of the meetings' local times."""
    months = ExtractMonth("at", tzinfo=timezone.get_default_timezone())
    cases = (
        _unexcused_lines(org, year)
        .order_by()
        .values("member_id")
        .annotate(months=Count(months, distinct=True))
        .filter(months__gte=REMOVAL_MONTHS)
        .values("member_id")
    )
    return Member.objects.filter(pk__in=cases).order_by(*name_order())


def removal_cases(*, org: Organisation, year: int, member_ids=None) -> list[RemovalCase]:
    """Members absent without reason in at least 3 different months of `year`, by name (only those of
    `member_ids` when given: the rows of one page of removal_members)."""
    lines = _unexcused_lines(org, year)
    if member_ids is not None:
        lines = lines.filter(member_id__in=list(member_ids))
    rows = lines.values_list("member_id", "meeting_id", "meeting__cell_id", "at").order_by(
        "member_id", "at", "meeting_id"
    )
    per_member = defaultdict(list)
    for member_id, meeting_id, cell_id, at in rows:
        per_member[member_id].append((meeting_id, cell_id, timezone.localtime(at)))
    cases = {
        m: lines for m, lines in per_member.items() if len({at.month for _, _, at in lines}) >= REMOVAL_MONTHS
    }
    members, cells = _load(cases, (c for lines in cases.values() for _, c, _ in lines))
    result = [
        RemovalCase(
            member=members[m],
            cell=cells[lines[-1][1]],
            months=tuple(sorted({at.month for _, _, at in lines})),
            absences=tuple(Absence(meeting_id, at, cells[c]) for meeting_id, c, at in lines),
        )
        for m, lines in cases.items()
    ]
    return sorted(result, key=lambda case: _by_name(case.member))


def excused_streaks(*, org: Organisation, year: int) -> list[ExcusedStreak]:
    """Runs of more than 3 excused absences in a row at regular meetings of `year`, by name then date."""
    lines = _held_lines(org, year).filter(meeting__kind=MeetingKind.REGULAR)
    # Only members with enough excused absences to make a run are read in full (still one query).
    candidates = (
        lines.filter(status=AttendanceStatus.EXCUSED, is_exempt=False)
        .values("member_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=EXCUSED_STREAK_LIMIT)
        .values("member_id")
    )
    rows = (
        lines.filter(member_id__in=candidates)
        .values_list("member_id", "meeting_id", "meeting__cell_id", "at", "status", "is_exempt")
        .order_by("member_id", "at", "meeting_id")
    )
    runs = []  # (member_id, [(meeting_id, cell_id, at), ...])
    current_member, run = None, []

    def close():
        if len(run) > EXCUSED_STREAK_LIMIT:
            runs.append((current_member, run))

    for member_id, meeting_id, cell_id, at, status, is_exempt in rows:
        if member_id != current_member:
            close()
            current_member, run = member_id, []
        if is_exempt or status == AttendanceStatus.EXEMPT:
            continue
        if status == AttendanceStatus.EXCUSED:
            run.append((meeting_id, cell_id, timezone.localtime(at)))
        else:
            close()
            run = []
    close()

    members, cells = _load((m for m, _ in runs), (c for _, r in runs for _, c, _ in r))
    result = [
        ExcusedStreak(
            member=members[m],
            cell=cells[r[-1][1]],
            absences=tuple(Absence(meeting_id, at, cells[c]) for meeting_id, c, at in r),
        )
        for m, r in runs
    ]
    return sorted(result, key=lambda s: (*_by_name(s.member), s.absences[0].at))
