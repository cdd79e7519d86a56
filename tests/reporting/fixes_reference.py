"""The reference twin of reporting/fixes.py: each "what to fix" list computed in full, in Python, as it
was before the lists became one counted and sliced query each (issue 14). tests/reporting/
test_fixes_paged.py checks that the lists' counts and pages give exactly these lists. The row types are
those of chibo.reporting.fixes, so rows compare equal."""

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from chibo.common.collation import sort_key
from chibo.common.dates import local_midnight, month_end, today
from chibo.meetings import rules as meeting_rules
from chibo.meetings.models import Meeting, MeetingKind, MeetingStatus
from chibo.meetings.scoring_rules import ATTENDANCE_TARGET
from chibo.meetings.selectors import full_procedure_q, procedures_of
from chibo.meetings.warnings import RemovalCase, removal_cases
from chibo.members.models import (
    Member,
    Position,
    PositionKind,
    TrainingKind,
    TrainingRecord,
)
from chibo.orgs.models import Organisation, OrgKind, in_subtree_q
from chibo.reporting import facts, progress
from chibo.reporting.fixes import (  # noqa: E402  (the rows compare equal only as the same classes)
    MATERIALS_BEFORE,
    POSITION_RANK,
    CellMonth,
    LateMinutes,
    LowAttendance,
    MeetingGap,
    TaskGap,
    UntrainedLeader,
)
from chibo.reporting.models import CellMonthFact
from chibo.reporting.periods import Period
from chibo.training import rules as training_rules

# --- shared pieces ----------------------------------------------------------------------------------


def months_of(period: Period) -> list[dt.date]:
    """The period's months up to the current one: later months have no facts and nothing to fix yet."""
    current = today().replace(day=1)
    return [m for m in period.months if m <= current]


def _last_day(month: dt.date) -> dt.date:
    return month_end(month.year, month.month)


def _active_q(day: dt.date, prefix: str = "") -> Q:
    """Organisation.objects.active_on as a condition, through a relation (`cell__`)."""
    return (Q(**{f"{prefix}founded_on__isnull": True}) | Q(**{f"{prefix}founded_on__lte": day})) & (
        Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": day})
    )


def _subtree_facts(org: Organisation, months):
    return CellMonthFact.objects.filter(in_subtree_q(org, via="path"), month__in=list(months)).select_related(
        "cell"
    )


def _held(org: Organisation, months, kind: str | None = None):
    """Meetings held in the months by cells of `org`'s subtree, each month counting only the cells active
    on its last day (facts.compute_cell_facts ignores the others). Annotated with `moment`."""
    when = Q(pk__in=[])
    for month in months:
        last = _last_day(month)
        start = local_midnight(month)
        end = local_midnight(last + dt.timedelta(days=1))
        when |= Q(moment__gte=start, moment__lt=end) & _active_q(last, "cell__")
    qs = (
        Meeting.objects.filter(
            in_subtree_q(org, via="cell"),
            status=MeetingStatus.HELD,
            cell__kind=OrgKind.CELL,
        )
        .annotate(moment=Coalesce("started_at", "scheduled_at"))
        .filter(when)
    )
    return qs if kind is None else qs.filter(kind=kind)


# The fields the lists of people show and sort by (pages, workbook): a city's lists hold thousands.
LISTED_MEMBER_FIELDS = ("full_name", "given_name", "sort_name")  # and the primary key, always loaded
LISTED_CELL_FIELDS = ("code", "name", "path", "kind", "founded_on", "dissolved_on")


class _Held(NamedTuple):
    member_id: int
    cell_id: int
    kind: str
    valid_from: dt.date
    valid_until: dt.date | None
    founded_on: dt.date | None
    dissolved_on: dt.date | None


def _by_name(member: Member):
    return (sort_key(member.given_name), sort_key(member.sort_name), member.pk)


# --- the lists --------------------------------------------------------------------------------------


def _still_scheduled(org: Organisation, months) -> set[tuple[int, dt.date]]:
    """(cell, month) pairs of the month in progress whose regular meeting is still ahead: nothing that
    meeting decides is late yet (reporting.progress)."""
    current = progress.current_month()
    if current not in months:
        return set()
    return {(pk, current) for pk in progress.scheduled_cells(org, current)}


def cells_without_regular_meeting(org: Organisation, period: Period) -> list[CellMonth]:
    """T1: cells counted in the month (active on its last day) with no regular meeting held in it; in the
    month in progress, only those already late (no meeting scheduled from today to the month's end)."""
    months = months_of(period)
    ahead = _still_scheduled(org, months)
    current = progress.current_month()
    overdue = progress.overdue_days(org, current) if current in months else {}
    rows = _subtree_facts(org, months).filter(regular_ok=0).order_by("month", "path")
    return [
        CellMonth(
            cell=f.cell,
            month=f.month,
            in_progress=f.month == current,
            overdue_on=overdue.get(f.cell_id) if f.month == current else None,
        )
        for f in rows
        if (f.cell_id, f.month) not in ahead
    ]


def cells_below_attendance(org: Organisation, period: Period) -> list[LowAttendance]:
    """T4: cells whose own Σ present ÷ Σ required over the month's regular meetings is under 90%."""
    num, den = ATTENDANCE_TARGET
    rows = (
        _subtree_facts(org, months_of(period))
        .filter(required__gt=0)
        .alias(shortfall=F("required") * num - F("present") * den)
        .filter(shortfall__gt=0)
        .order_by("month", "path")
    )
    return [LowAttendance(cell=f.cell, month=f.month, present=f.present, required=f.required) for f in rows]


def meetings_missing_steps_or_materials(org: Organisation, period: Period) -> list[MeetingGap]:
    """T2 and T3: regular meetings without the full procedure (no step records, or a mandatory step not
    done: meetings.rules.procedure), or whose materials were not visible to members 24 h before the
    meeting began (none published, or published later)."""
    regular = _held(org, months_of(period), MeetingKind.REGULAR)
    late_materials = Q(materials_published_at__isnull=True) | Q(
        materials_published_at__gt=F("moment") - MATERIALS_BEFORE
    )
    meetings = list(
        regular.filter(~full_procedure_q() | late_materials).select_related("cell").order_by("moment", "pk")
    )
    procedures = procedures_of(meetings)
    out = []
    for m in meetings:
        published = m.materials_published_at
        procedure = procedures[m.pk]
        out.append(
            MeetingGap(
                meeting=m,
                held_at=timezone.localtime(m.moment),
                steps_recorded=procedure.recorded,
                missing_steps=procedure.missing if procedure.recorded else (),
                materials_published_at=timezone.localtime(published) if published else None,
                materials_late=published is None or published > m.moment - MATERIALS_BEFORE,
            )
        )
    return out


def members_without_task(org: Organisation, period: Period) -> list[TaskGap]:
    """T5, per cell and month, from the facts: the names come from with_member_names() for the rows a page
    shows, so a city-level page reads one query here. A cell whose regular meeting of the month in
    progress is still ahead is not listed (its tasks are given there)."""
    months = months_of(period)
    ahead = _still_scheduled(org, months)
    rows = _subtree_facts(org, months).filter(task_members__gt=F("task_covered")).order_by("month", "path")
    return [
        TaskGap(
            cell=f.cell, month=f.month, without_task=f.task_members - f.task_covered, counted=f.task_members
        )
        for f in rows
        if (f.cell_id, f.month) not in ahead
    ]


def untrained_leaders(org: Organisation, period: Period) -> list[UntrainedLeader]:
    """T6: people holding a secretary, deputy or committee position in a cell of the subtree on a month's
    last day without a completed party-work training within the validity window before that day. One row
    per person and cell, with the months it applies to."""
    months = months_of(period)
    if not months:
        return []
    lasts = [_last_day(m) for m in months]
    positions = Position.objects.overlapping(lasts[0], lasts[-1] + dt.timedelta(days=1)).filter(
        in_subtree_q(org, via="cell"),
        kind__in=facts.LEADER_KINDS,
        cell__kind=OrgKind.CELL,
    )
    # Narrow rows first: a city has about 100,000 leader positions, and model instances for all of them
    # (with member and cell) cost seconds. Instances are loaded only for the people listed.
    held = [
        _Held(*row)
        for row in positions.order_by().values_list(
            "member_id",
            "cell_id",
            "kind",
            "valid_from",
            "valid_until",
            "cell__founded_on",
            "cell__dissolved_on",
        )
    ]
    if not held:
        return []
    trainings = defaultdict(list)
    for member_id, done_on in (
        TrainingRecord.objects.filter(
            kind=TrainingKind.PARTY_WORK, completed=True, member_id__in=positions.values("member_id")
        )
        .annotate(done_on=Coalesce("ended_on", "started_on"))
        .filter(done_on__lte=lasts[-1])
        .values_list("member_id", "done_on")
    ):
        trainings[member_id].append(done_on)
    found = {}
    for h in held:
        for month, last in zip(months, lasts, strict=True):
            # The models' own date rules, applied to the narrow row (they read only these attributes).
            if not (Position.is_valid_on(h, last) and Organisation.is_active_on(h, last)):
                continue
            if any(training_rules.counts_on(day, last) for day in trainings[h.member_id]):
                continue
            entry = found.setdefault((h.cell_id, h.member_id), {"kinds": set(), "months": set()})
            entry["kinds"].add(h.kind)
            entry["months"].add(month)
    if not found:
        return []
    members = Member.objects.only(*LISTED_MEMBER_FIELDS).in_bulk({member_id for _c, member_id in found})
    cells = Organisation.objects.only(*LISTED_CELL_FIELDS).in_bulk({cell_id for cell_id, _m in found})
    keyed = []
    for (cell_id, member_id), entry in found.items():
        member, cell, latest = members[member_id], cells[cell_id], _last_day(max(entry["months"]))
        done = [day for day in trainings[member_id] if day <= latest]
        kinds = sorted(entry["kinds"], key=lambda k: POSITION_RANK.get(k, 9))
        row = UntrainedLeader(
            member=member,
            cell=cell,
            positions=tuple(PositionKind(k).label for k in kinds),
            last_training=max(done) if done else None,
            months=tuple(sorted(entry["months"])),
        )
        keyed.append(((cell.path, POSITION_RANK.get(kinds[0], 9), *_by_name(member)), row))
    return [row for _key, row in sorted(keyed, key=lambda item: item[0])]


def late_minutes(org: Organisation, period: Period) -> list[LateMinutes]:
    """Meetings held in the month whose minutes were not approved within the rule set's days; minutes
    still waiting are late once their deadline has passed (before, they are not late yet)."""
    # Narrow rows for every held meeting, instances only for the late ones (a city holds ~20,000 a month).
    held = (
        _held(org, months_of(period))
        .order_by("moment", "pk")
        .values_list("pk", "moment", "minutes__approved_at", "rule_set__minutes_days_after")
    )
    late = []
    for pk, moment, approved_at, days_after in held:
        day = timezone.localtime(moment).date()
        approved_on = timezone.localtime(approved_at).date() if approved_at else None
        on_time = meeting_rules.minutes_on_time(
            approved_on=approved_on, meeting_day=day, days_after=days_after, today=today()
        )
        if on_time is False:
            late.append((pk, moment, approved_on, meeting_rules.minutes_deadline(day, days_after)))
    if not late:
        return []
    meetings = (
        Meeting.objects.select_related("cell")
        .only("kind", "cell", *(f"cell__{name}" for name in LISTED_CELL_FIELDS))
        .in_bulk([pk for pk, *_rest in late])
    )
    return [
        LateMinutes(
            meeting=meetings[pk],
            held_at=timezone.localtime(moment),
            deadline=deadline,
            approved_on=approved_on,
        )
        for pk, moment, approved_on, deadline in late
    ]


def removal_risks(org: Organisation, period: Period) -> list[RemovalCase]:
    """Members absent without reason in 3 different months of the period's year (DOMAIN §5)."""
    return removal_cases(org=org, year=period.first.year)
