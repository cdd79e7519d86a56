"""Reads of supervision that cross models: the indicator's supervised cells, the quarterly view, the
recommendations pending under an organisation. Each runs a fixed number of queries."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce

from chibo.common.dates import local_midnight
from chibo.meetings.models import Meeting, MeetingStatus
from chibo.orgs.models import Organisation, in_subtree_q, is_in_subtree
from chibo.supervision import rules
from chibo.supervision.models import PENDING_STATUSES, Assignment, Recommendation, Visit


def supervised_cells(cell_ids: list[int] | None, start: dt.datetime, end: dt.datetime) -> set[int]:
    """Cells with a HELD meeting whose moment (started_at, else scheduled_at) is in [start, end) and that
    a supervisor attended under an assignment covering the cell on the meeting's local day (DOMAIN §8
    `supervision_rate`). `cell_ids` None = every cell. One query; the day check is done in Python so
    SQLite and PostgreSQL agree."""
    qs = (
        Visit.objects.filter(meeting__status=MeetingStatus.HELD)
        .annotate(moment=Coalesce("meeting__started_at", "meeting__scheduled_at"))
        .filter(moment__gte=start, moment__lt=end)
    )
    if cell_ids is not None:
        ids = list(cell_ids)
        if not ids:
            return set()
        qs = qs.filter(meeting__cell_id__in=ids)
    tz = ZoneInfo(settings.TIME_ZONE)
    out = set()
    for cell_id, cell_path, moment, unit_path, valid_from, valid_until in qs.values_list(
        "meeting__cell_id",
        "meeting__cell__path",
        "moment",
        "assignment__unit__path",
        "assignment__valid_from",
        "assignment__valid_until",
    ):
        if cell_id in out:
            continue
        day = moment.astimezone(tz).date()
        if is_in_subtree(cell_path, unit_path) and rules.is_active(valid_from, valid_until, day):
            out.add(cell_id)
    return out


def pending_recommendations(org: Organisation, *, limit: int | None = None):
    """Recommendations not yet closed for cells in org's subtree, overdue first then by deadline."""
    qs = (
        Recommendation.objects.filter(in_subtree_q(org, via="cell"), status__in=PENDING_STATUSES)
        .select_related("cell", "visit")
        .order_by("due_on", "pk")
    )
    return qs[:limit] if limit else qs


@dataclass
class UnitRow:
    assignment: Assignment
    visits: list = field(default_factory=list)  # (day, meeting_id, visit_id) in the quarter

    @property
    def visited(self) -> bool:
        return bool(self.visits)


@dataclass
class SupervisorRow:
    user: object
    units: list[UnitRow] = field(default_factory=list)

    @property
    def assigned(self) -> int:
        return len(self.units)

    @property
    def visited(self) -> int:
        return sum(u.visited for u in self.units)

    @property
    def not_visited(self) -> int:
        return self.assigned - self.visited

    @property
    def visits(self) -> int:
        return sum(len(u.visits) for u in self.units)


def quarter_assignments(quarter: rules.Quarter, *, org: Organisation | None = None, user=None):
    """Assignments holding at some day of the quarter, on units in org's subtree and/or of one user."""
    qs = Assignment.objects.overlapping(quarter.first_day, quarter.end)
    if org is not None:
        qs = qs.filter(in_subtree_q(org, via="unit"))
    if user is not None:
        qs = qs.filter(user=user)
    return qs.select_related("user", "user__member", "unit").order_by("user__username", "unit__path", "pk")


def quarter_rows(quarter: rules.Quarter, assignments) -> list[SupervisorRow]:
    """Per supervisor, their assigned units in the quarter and whether they visited each (a held meeting
    of a cell of the unit in the quarter). Two queries, whatever the number of supervisors."""
    assignments = list(assignments)
    if not assignments:
        return []
    user_ids = {a.user_id for a in assignments}
    tz = ZoneInfo(settings.TIME_ZONE)
    visits = defaultdict(list)  # user → [(cell_path, day, meeting_id, visit_id)]
    for user_id, path, moment, meeting_id, visit_id in (
        Visit.objects.filter(supervisor_id__in=user_ids, meeting__status=MeetingStatus.HELD)
        .annotate(moment=Coalesce("meeting__started_at", "meeting__scheduled_at"))
        .filter(moment__gte=local_midnight(quarter.first_day), moment__lt=local_midnight(quarter.end))
        .values_list("supervisor_id", "cell__path", "moment", "meeting_id", "pk")
        .order_by("moment")
    ):
        visits[user_id].append((path, moment.astimezone(tz).date(), meeting_id, visit_id))
    rows: dict[int, SupervisorRow] = {}
    for a in assignments:
        row = rows.setdefault(a.user_id, SupervisorRow(user=a.user))
        unit = UnitRow(assignment=a)
        for path, day, meeting_id, visit_id in visits.get(a.user_id, ()):
            if is_in_subtree(path, a.unit.path):
                unit.visits.append((day, meeting_id, visit_id))
        row.units.append(unit)
    return list(rows.values())


def meetings_for_units(units: list[Organisation], *, around: dt.date, per_unit: int = 4):
    """Recent and coming meetings of the cells of these units: what an assigned supervisor may attend.
    One query; `per_unit` × units rows at most are kept."""
    if not units:
        return {}
    q = Q(pk__in=[])
    for unit in units:
        q |= in_subtree_q(unit, via="cell")
    start, end = (
        local_midnight(around - dt.timedelta(days=45)),
        local_midnight(around + dt.timedelta(days=45)),
    )
    qs = (
        Meeting.objects.filter(q)
        .exclude(status=MeetingStatus.CANCELLED)
        .filter(scheduled_at__gte=start, scheduled_at__lt=end)
        .select_related("cell")
        .order_by("-scheduled_at")[: per_unit * len(units) * 3]
    )
    out: defaultdict[int, list[Meeting]] = defaultdict(list)
    for meeting in qs:
        for unit in units:
            if unit.contains(meeting.cell) and len(out[unit.pk]) < per_unit:
                out[unit.pk].append(meeting)
                break
    return out
