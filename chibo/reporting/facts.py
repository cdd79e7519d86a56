"""Computing the facts (see models.py for why they exist).

One set-based function, `compute_cell_facts(month, cell_ids)`, reads the base tables for a month and
returns every count per cell; the full rebuild passes no cell ids (a handful of grouped queries over
the whole month), the incremental refresh passes the few stale cells. Same code, same numbers.
Grouping that the two databases would spell differently (rosters, minutes deadlines) is done in
Python over narrow rows, so SQLite and PostgreSQL give identical results.
"""

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from chibo.common.dates import add_months, local_midnight, month_end, today
from chibo.meetings import rules as meeting_rules
from chibo.meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from chibo.meetings.scoring_rules import ATTENDANCE_TARGET
from chibo.meetings.selectors import full_procedure_q
from chibo.members.models import (
    Exemption,
    Member,
    Membership,
    MembershipKind,
    Position,
    PositionKind,
    WorkStatus,
)
from chibo.orgs.models import SEGMENT, Organisation, in_subtree_q
from chibo.reporting.models import COUNT_FIELDS, CellMonthFact, FactMonth, OrgMonthFact, StaleCellMonth
from chibo.supervision.selectors import supervised_cells
from chibo.training.selectors import trained_member_ids

LEADER_KINDS = (PositionKind.SECRETARY, PositionKind.DEPUTY, PositionKind.COMMITTEE)


def first_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def quarter_start(month: dt.date) -> dt.date:
    return dt.date(month.year, 3 * ((month.month - 1) // 3) + 1, 1)


def ancestor_ids(path: str) -> list[int]:
    """Every organisation on the path, root first, the cell itself last (paths are zero-filled ids)."""
    return [int(path[i : i + SEGMENT]) for i in range(0, len(path), SEGMENT)]


def _empty() -> dict:
    return dict.fromkeys(COUNT_FIELDS, 0)


def compute_cell_facts(month: dt.date, cell_ids=None) -> dict[int, dict]:
    """Counts per cell for `month` (its first day), for the cells active on the month's last day.
    `cell_ids` None = every cell (the rebuild)."""
    month = first_of(month)
    last = month_end(month.year, month.month)
    cells_qs = Organisation.objects.cells().active_on(last)
    if cell_ids is not None:
        cells_qs = cells_qs.filter(pk__in=list(cell_ids))
    cells = dict(cells_qs.values_list("pk", "path"))
    if not cells:
        return {}
    ids = list(cells)

    def scoped(qs, field="cell_id"):
        return qs if cell_ids is None else qs.filter(**{f"{field}__in": ids})

    out = {pk: _empty() | {"cells": 1} for pk in cells}
    start, end, q_start = (
        local_midnight(month),
        local_midnight(last + dt.timedelta(days=1)),
        local_midnight(quarter_start(month)),
    )
    held = Meeting.objects.filter(status=MeetingStatus.HELD).annotate(
        moment=Coalesce("started_at", "scheduled_at")
    )
    in_month = scoped(held.filter(moment__gte=start, moment__lt=end))
    regular = in_month.filter(kind=MeetingKind.REGULAR)

    # T1, T2, T3, minutes: one narrow row per meeting held in the month.
    # T3 by meetings.rules.procedure, in its SQL form: no step records, or a mandatory step not done.
    full_procedure = set(regular.filter(full_procedure_q()).values_list("pk", flat=True))
    per_cell = defaultdict(lambda: {"regular": 0, "materials": 0, "steps": 0})
    tz = ZoneInfo(settings.TIME_ZONE)
    far_future = dt.date.max
    for pk, cell_id, kind, moment, published, days_after, approved_at in in_month.values_list(
        "pk",
        "cell_id",
        "kind",
        "moment",
        "materials_published_at",
        "rule_set__minutes_days_after",
        "minutes__approved_at",
    ):
        if cell_id not in out:
            continue
        row = out[cell_id]
        row["meetings_held"] += 1
        on_time = meeting_rules.minutes_on_time(
            approved_on=approved_at.astimezone(tz).date() if approved_at else None,
            meeting_day=moment.astimezone(tz).date(),
            days_after=days_after,
            today=far_future,
        )
        row["minutes_on_time"] += bool(on_time)
        if kind == MeetingKind.REGULAR:
            stats = per_cell[cell_id]
            stats["regular"] += 1
            stats["materials"] += meeting_rules.materials_on_time(published_at=published, starts_at=moment)
            stats["steps"] += pk in full_procedure
    for cell_id, stats in per_cell.items():
        row = out[cell_id]
        row["regular_ok"] = 1
        row["materials_ok"] = int(stats["materials"] == stats["regular"])
        row["procedure_ok"] = int(stats["steps"] == stats["regular"])

    # T4: Σ present ÷ Σ required over the regular meetings (exempted members in neither number).
    sums = (
        Attendance.objects.filter(meeting__in=regular.values("pk"))
        .values("meeting__cell_id")
        .annotate(
            present=Count("pk", filter=Q(is_exempt=False, status=AttendanceStatus.PRESENT)),
            required=Count("pk", filter=Q(is_exempt=False)),
        )
    )
    for item in sums:
        row = out.get(item["meeting__cell_id"])
        if row is None:
            continue
        row["present"], row["required"] = item["present"], item["required"]
        num, den = ATTENDANCE_TARGET  # the 90% of the scoring rules, the one threshold
        row["attendance_ok"] = int(row["required"] > 0 and row["present"] * den >= row["required"] * num)

    # T1 thematic: held in the month's quarter up to the month's end.
    for cell_id in (
        scoped(held.filter(kind=MeetingKind.THEMATIC, moment__gte=q_start, moment__lt=end))
        .values_list("cell_id", flat=True)
        .distinct()
    ):
        if cell_id in out:
            out[cell_id]["thematic_ok"] = 1

    # supervision_rate: a meeting of the quarter (to the month's end) visited by an assigned supervisor.
    for cell_id in supervised_cells(ids if cell_ids is not None else None, q_start, end):
        if cell_id in out:
            out[cell_id]["supervised"] = 1
    _task_coverage(out, cells, ids if cell_ids is not None else None, last, in_month)
    _leader_training(out, ids if cell_ids is not None else None, last)
    return out


def roster_at(day: dt.date, cell_ids=None) -> dict[int, set[int]]:
    """cell → members on its roster on `day`, by the rule of members.selectors.roster_on (DOMAIN §3):
    official members not on temporary activity elsewhere, plus members on temporary activity here.
    Twin: members.selectors.roster_on, one cell at a time (tests/reporting/test_roster_twins.py)."""
    memberships = Membership.objects.valid_on(day)
    if cell_ids is not None:
        memberships = memberships.filter(
            member_id__in=Membership.objects.valid_on(day).filter(cell_id__in=cell_ids).values("member_id")
        )
    official, temporary = defaultdict(set), defaultdict(set)
    for member_id, cell_id, kind in memberships.values_list("member_id", "cell_id", "kind"):
        (temporary if kind == MembershipKind.TEMPORARY else official)[member_id].add(cell_id)
    roster = defaultdict(set)
    for member_id, cells in official.items():
        for cell_id in cells:
            if not (temporary.get(member_id, set()) - {cell_id}):
                roster[cell_id].add(member_id)
    for member_id, cells in temporary.items():
        for cell_id in cells:
            roster[cell_id].add(member_id)
    return roster


def _task_coverage(out, cells, cell_ids, last: dt.date, in_month) -> None:
    """T5: working, non-exempt members on the roster at the month's end, with a task from a meeting of
    that cell held in the month (resolutions.rules.classify_coverage says the same for one cell)."""
    roster = roster_at(last, cell_ids)
    on_roster = set().union(*roster.values()) if roster else set()
    exempt = set(
        Exemption.objects.valid_on(last)
        .filter(member_id__in=_ids_filter(on_roster, cell_ids))
        .values_list("member_id", flat=True)
    )
    not_working = set(
        Member.objects.exclude(work_status=WorkStatus.WORKING)
        .filter(pk__in=_ids_filter(on_roster, cell_ids))
        .values_list("pk", flat=True)
    )
    from chibo.resolutions.models import Task  # reporting reads every layer below it

    tasked = set(
        Task.objects.filter(meeting__in=in_month.values("pk")).values_list("cell_id", "member_id").distinct()
    )
    for cell_id, members in roster.items():
        row = out.get(cell_id)
        if row is None:
            continue
        counted = members - exempt - not_working
        row["task_members"] = len(counted)
        row["task_covered"] = sum((cell_id, m) in tasked for m in counted)


def _ids_filter(ids: set[int], cell_ids):
    """For a few cells, filter by the members found; for the whole city, no filter (cheaper than a huge IN)."""
    return ids if cell_ids is not None else Member.objects.values("pk")


def _leader_training(out, cell_ids, last: dt.date) -> None:
    """T6: people holding a leader position on the month's last day with a party-work training completed
    on or before that day and within the validity window."""
    positions = Position.objects.valid_on(last).filter(kind__in=LEADER_KINDS)
    if cell_ids is not None:
        positions = positions.filter(cell_id__in=cell_ids)
    leaders = defaultdict(set)
    for cell_id, member_id in positions.values_list("cell_id", "member_id"):
        leaders[cell_id].add(member_id)
    if not leaders:
        return
    trainings = trained_member_ids(last)  # the one T6 rule (chibo.training)
    if cell_ids is not None:
        trainings = trainings.filter(member_id__in=set().union(*leaders.values()))
    trained = set(trainings.values_list("member_id", flat=True).distinct())
    for cell_id, people in leaders.items():
        row = out.get(cell_id)
        if row is not None:
            row["leaders"] = len(people)
            row["leaders_trained"] = len(people & trained)


# --- writing ------------------------------------------------------------------------------------


def _lock_month(month: dt.date) -> FactMonth:
    FactMonth.objects.get_or_create(month=month)
    return FactMonth.objects.select_for_update().get(month=month)


@transaction.atomic
def rebuild_month(month: dt.date) -> int:
    """Recompute every cell's facts and every organisation's sums for the month from scratch."""
    month = first_of(month)
    lock = _lock_month(month)
    computed = compute_cell_facts(month)
    paths = dict(Organisation.objects.filter(pk__in=list(computed)).values_list("pk", "path"))
    CellMonthFact.objects.filter(month=month).delete()
    CellMonthFact.objects.bulk_create(
        [CellMonthFact(cell_id=pk, month=month, path=paths[pk], **counts) for pk, counts in computed.items()],
        batch_size=2000,
    )
    sums = defaultdict(_empty)
    for pk, counts in computed.items():
        for org_id in ancestor_ids(paths[pk]):
            target = sums[org_id]
            for name, value in counts.items():
                target[name] += value
    OrgMonthFact.objects.filter(month=month).delete()
    OrgMonthFact.objects.bulk_create(
        [OrgMonthFact(org_id=org_id, month=month, **counts) for org_id, counts in sums.items()],
        batch_size=2000,
    )
    StaleCellMonth.objects.filter(month=month).delete()
    lock.rebuilt_at = timezone.now()
    lock.save(update_fields=["rebuilt_at"])
    return len(computed)


@transaction.atomic
def refresh_cells(month: dt.date, cell_ids) -> int:
    """Recompute some cells' facts for a month, then re-sum the organisations above them from the cell
    facts (exact sums, not deltas, so nothing can drift)."""
    month = first_of(month)
    cell_ids = set(cell_ids)
    if not cell_ids:
        return 0
    _lock_month(month)
    computed = compute_cell_facts(month, cell_ids)
    paths = dict(Organisation.objects.filter(pk__in=cell_ids).values_list("pk", "path"))
    old_paths = set(
        CellMonthFact.objects.filter(month=month, cell_id__in=cell_ids).values_list("path", flat=True)
    )
    CellMonthFact.objects.filter(month=month, cell_id__in=cell_ids).delete()
    CellMonthFact.objects.bulk_create(
        [CellMonthFact(cell_id=pk, month=month, path=paths[pk], **counts) for pk, counts in computed.items()]
    )
    affected = {org_id for path in set(paths.values()) | old_paths for org_id in ancestor_ids(path)}
    _resum(month, affected)
    return len(computed)


def _resum(month: dt.date, org_ids: set[int]) -> None:
    aggregates = {name: Coalesce(Sum(name), 0) for name in COUNT_FIELDS}
    existing = {f.org_id: f for f in OrgMonthFact.objects.filter(month=month, org_id__in=org_ids)}
    for org in Organisation.objects.filter(pk__in=org_ids).only("pk", "path"):
        subtree = CellMonthFact.objects.filter(in_subtree_q(org, via="path"), month=month)
        counts = subtree.aggregate(**aggregates)
        fact = existing.get(org.pk)
        if fact is None:
            OrgMonthFact.objects.create(org_id=org.pk, month=month, **counts)
        else:
            for name, value in counts.items():
                setattr(fact, name, value)
            fact.save()


def recent_months(count: int) -> list[dt.date]:
    """The last `count` months up to the current one, oldest first."""
    current = today().replace(day=1)
    return [add_months(current, -i) for i in range(count - 1, -1, -1)]


# The job keeps built the 24 months `chibo facts rebuild` builds by default and the 11 before them, so
# the twelve-month trend of the oldest of those months is whole; older history: `chibo facts rebuild`.
RECENT_MONTHS = 24 + 11


def build_missing(count: int = RECENT_MONTHS) -> int:
    """Build the recent months never built (a new month has begun, a new database)."""
    built = set(FactMonth.objects.filter(rebuilt_at__isnull=False).values_list("month", flat=True))
    missing = [m for m in recent_months(count) if m not in built]
    for month in missing:
        rebuild_month(month)
    return len(missing)


def refresh_all() -> int:
    """The background job's work (reporting.tasks.refresh_facts, `chibo facts refresh`): months flagged
    for a whole rebuild, recent months never built, then the stale (cell, month) pairs."""
    rebuild_unbuilt()
    build_missing()
    return refresh_stale()


def rebuild_unbuilt() -> int:
    """Rebuild the months flagged for a whole rebuild (rebuilt_at empty: a mass change marked them)."""
    months = list(FactMonth.objects.filter(rebuilt_at__isnull=True).values_list("month", flat=True))
    for month in months:
        rebuild_month(month)
    return len(months)


def refresh_stale(*, limit: int | None = None, org: Organisation | None = None) -> int:
    """Recompute stale (cell, month) pairs, optionally only those under `org`. Marks are taken (deleted)
    before computing, so a write that lands meanwhile marks the pair again and is not lost."""
    marks = StaleCellMonth.objects.order_by("month", "cell_id")
    if org is not None:
        marks = marks.filter(cell_id__in=Organisation.objects.subtree_of(org).values("pk"))
    taken = defaultdict(set)
    # No transaction around reading and deleting the marks: every dashboard view calls this and usually
    # finds nothing, and two refreshers taking the same mark only compute the same sums twice.
    rows = list(
        marks.values_list("pk", "cell_id", "month")[:limit]
        if limit
        else marks.values_list("pk", "cell_id", "month")
    )
    if not rows:
        return 0
    StaleCellMonth.objects.filter(pk__in=[r[0] for r in rows]).delete()
    for _pk, cell_id, month in rows:
        taken[month].add(cell_id)
    built = set(
        FactMonth.objects.filter(month__in=list(taken), rebuilt_at__isnull=False).values_list(
            "month", flat=True
        )
    )
    done = 0
    for month, cell_ids in sorted(taken.items()):
        if month in built:  # months never built are computed by `chibo facts rebuild`, not cell by cell
            done += refresh_cells(month, cell_ids)
    return done
