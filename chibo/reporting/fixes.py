"""What to fix (cần khắc phục): for an organisation and a period, the cells, meetings and people behind
each indicator that fell short (DOMAIN §8).

Each list is one ordered query with a row per listed item, counted and sliced in the database, and the
rows of one page built from its keys with a fixed number of queries (a few per month of the period at
most), whatever the number of cells or members: a page reads what it shows. The rules are
those of facts.py, so for a month a list's length is the gap in the indicator it explains. A quarter or
a year covers each of its months up to the current one; the removal list covers the period's year.
Cell-level lists read the fact tables as they are (pages never refresh them; report files call
engine.ensure_fresh in the background worker); the others read base tables.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Case, Exists, F, Min, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from chibo.common.collation import name_order, sort_key
from chibo.common.dated import valid_on_q
from chibo.common.dates import local_midnight, month_end, today
from chibo.meetings import rules as meeting_rules
from chibo.meetings.models import Meeting, MeetingKind, MeetingStatus, RuleSet
from chibo.meetings.scoring_rules import ATTENDANCE_TARGET
from chibo.meetings.selectors import full_procedure_q, procedures_of
from chibo.meetings.warnings import RemovalCase, removal_cases, removal_members
from chibo.members.models import (
    Exemption,
    Member,
    Membership,
    Position,
    PositionKind,
    TrainingKind,
    TrainingRecord,
    WorkStatus,
)
from chibo.orgs.models import Organisation, OrgKind, in_subtree_q
from chibo.reporting import facts, progress
from chibo.reporting.indicators import Indicator, fmt_percent
from chibo.reporting.models import CellMonthFact
from chibo.reporting.periods import Period
from chibo.resolutions.models import Task
from chibo.training import rules as training_rules

MATERIALS_BEFORE = meeting_rules.MATERIALS_BEFORE  # the SQL form below; a test proves it agrees
NO_STEPS_TEXT = "chưa ghi các bước sinh hoạt"
POSITION_RANK = {PositionKind.SECRETARY: 0, PositionKind.DEPUTY: 1, PositionKind.COMMITTEE: 2}


# --- rows -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellMonth:
    """A cell without a regular meeting held in the month."""

    cell: Organisation
    month: dt.date
    in_progress: bool = False  # the current month: the cell has no meeting scheduled from today on
    overdue_on: dt.date | None = None  # …and its meeting was scheduled on this past day, not held

    @property
    def note(self) -> str:
        if not self.in_progress:
            return ""
        if self.overdue_on:
            return f"Dự kiến họp {self.overdue_on:%d/%m/%Y}, chưa họp"
        return "Chưa có lịch sinh hoạt thường kỳ trong tháng"


@dataclass(frozen=True)
class LowAttendance:
    cell: Organisation
    month: dt.date
    present: int
    required: int

    @property
    def percent(self) -> Decimal | None:
        return Indicator("attendance_rate", self.present, self.required).percent

    @property
    def percent_text(self) -> str:
        return fmt_percent(self.percent)


@dataclass(frozen=True)
class MeetingGap:
    """A regular meeting without the full procedure, or no material 24 h before it began."""

    meeting: Meeting  # with its cell
    held_at: dt.datetime  # local time
    steps_recorded: bool  # False: no step records at all, so not a full procedure (DOMAIN §4)
    missing_steps: tuple[str, ...]  # mandatory steps not done (empty when none were recorded)
    materials_published_at: dt.datetime | None  # local time
    materials_late: bool

    @property
    def cell(self) -> Organisation:
        return self.meeting.cell

    @property
    def steps_text(self) -> str:
        if not self.steps_recorded:
            return NO_STEPS_TEXT
        return "; ".join(self.missing_steps)


@dataclass(frozen=True)
class TaskGap:
    """A cell with working, non-exempt members without a task from the month's meetings. `members` is
    None until with_member_names() fills it."""

    cell: Organisation
    month: dt.date
    without_task: int
    counted: int  # working, non-exempt members on the roster at the month's end
    members: tuple[Member, ...] | None = None


@dataclass(frozen=True)
class UntrainedLeader:
    member: Member
    cell: Organisation
    positions: tuple[str, ...]  # Vietnamese labels, highest first
    last_training: dt.date | None  # last completed party-work training, however old
    months: tuple[dt.date, ...]  # the months of the period at whose end they were untrained


@dataclass(frozen=True)
class LateMinutes:
    meeting: Meeting  # with its cell
    held_at: dt.datetime  # local time
    deadline: dt.date
    approved_on: dt.date | None  # None: not approved yet

    @property
    def cell(self) -> Organisation:
        return self.meeting.cell

    @property
    def status_text(self) -> str:
        if self.approved_on is None:
            return "chưa thông qua"
        late = (self.approved_on - self.deadline).days
        return f"thông qua {self.approved_on:%d/%m/%Y}, trễ {late} ngày"


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


# --- the lists ---------------------------------------------------------------------------------------
#
# Each list is two functions: `_<list>_query(org, period)`, one ordered query with one row per listed
# item (so a page counts it and slices it in the database, whatever the size of the subtree), and
# `_<list>_rows(org, period, keys)`, the rows to show for the keys of one page (a fixed number of
# queries). The public functions build a whole list (reports, the CLI) from the same two.


def _not_ahead(facts_qs, org: Organisation, months):
    """Leave out the cells of the month in progress whose regular meeting is still ahead: nothing that
    meeting decides is late yet (reporting.progress.scheduled_cells, as a subquery)."""
    current = progress.current_month()
    if current not in months:
        return facts_qs
    ahead = progress.planned_ahead(org, current).values("cell_id")
    return facts_qs.exclude(month=current, regular_ok=0, cell_id__in=ahead)


def _no_regular_query(org: Organisation, period: Period):
    months = months_of(period)
    return _not_ahead(_subtree_facts(org, months).filter(regular_ok=0), org, months).order_by("month", "path")


def _no_regular_rows(org: Organisation, period: Period, keys) -> list[CellMonth]:
    current = progress.current_month()
    overdue = progress.overdue_days(org, current) if any(f.month == current for f in keys) else {}
    return [
        CellMonth(
            cell=f.cell,
            month=f.month,
            in_progress=f.month == current,
            overdue_on=overdue.get(f.cell_id) if f.month == current else None,
        )
        for f in keys
    ]


def cells_without_regular_meeting(org: Organisation, period: Period) -> list[CellMonth]:
    """T1: cells counted in the month (active on its last day) with no regular meeting held in it; in the
    month in progress, only those already late (no meeting scheduled from today to the month's end)."""
    return _no_regular_rows(org, period, list(_no_regular_query(org, period)))


def _low_attendance_query(org: Organisation, period: Period):
    num, den = ATTENDANCE_TARGET
    return (
        _subtree_facts(org, months_of(period))
        .filter(required__gt=0)
        .alias(shortfall=F("required") * num - F("present") * den)
        .filter(shortfall__gt=0)
        .order_by("month", "path")
    )


def _low_attendance_rows(org: Organisation, period: Period, keys) -> list[LowAttendance]:
    return [LowAttendance(cell=f.cell, month=f.month, present=f.present, required=f.required) for f in keys]


def cells_below_attendance(org: Organisation, period: Period) -> list[LowAttendance]:
    """T4: cells whose own Σ present ÷ Σ required over the month's regular meetings is under 90%."""
    return _low_attendance_rows(org, period, list(_low_attendance_query(org, period)))


def _meeting_gaps_query(org: Organisation, period: Period):
    regular = _held(org, months_of(period), MeetingKind.REGULAR)
    late_materials = Q(materials_published_at__isnull=True) | Q(
        materials_published_at__gt=F("moment") - MATERIALS_BEFORE
    )
    return (
        regular.filter(~full_procedure_q() | late_materials).select_related("cell").order_by("moment", "pk")
    )


def _meeting_gaps_rows(org: Organisation, period: Period, keys) -> list[MeetingGap]:
    procedures = procedures_of(keys)
    out = []
    for m in keys:
        published = m.materials_published_at
        procedure = procedures[m.pk]
        out.append(
            MeetingGap(
                meeting=m,
                held_at=timezone.localtime(m.moment),
                steps_recorded=procedure.recorded,
                missing_steps=procedure.missing if procedure.recorded else (),
                materials_published_at=timezone.localtime(published) if published else None,
                materials_late=not meeting_rules.materials_on_time(published_at=published, starts_at=m.moment),
            )
        )
    return out


def meetings_missing_steps_or_materials(org: Organisation, period: Period) -> list[MeetingGap]:
    """T2 and T3: regular meetings without the full procedure (no step records, or a mandatory step not
    done: meetings.rules.procedure), or whose materials were not visible to members 24 h before the
    meeting began (none published, or published later)."""
    return _meeting_gaps_rows(org, period, list(_meeting_gaps_query(org, period)))


def _task_gaps_query(org: Organisation, period: Period):
    months = months_of(period)
    rows = _subtree_facts(org, months).filter(task_members__gt=F("task_covered"))
    return _not_ahead(rows, org, months).order_by("month", "path")


def _task_gaps_rows(org: Organisation, period: Period, keys) -> list[TaskGap]:
    return [
        TaskGap(
            cell=f.cell, month=f.month, without_task=f.task_members - f.task_covered, counted=f.task_members
        )
        for f in keys
    ]


def members_without_task(org: Organisation, period: Period) -> list[TaskGap]:
    """T5, per cell and month, from the facts: the names come from with_member_names() for the rows a page
    shows, so a city-level page reads one query here. A cell whose regular meeting of the month in
    progress is still ahead is not listed (its tasks are given there)."""
    return _task_gaps_rows(org, period, list(_task_gaps_query(org, period)))


def with_member_names(rows: list[TaskGap]) -> list[TaskGap]:
    """The rows with `members` filled: the working, non-exempt members on each cell's roster at the month's
    end without a task from that cell's meetings held in the month (facts._task_coverage's rule, for
    these cells only). Four queries per distinct month, whatever the number of rows."""
    by_month = defaultdict(set)
    for row in rows:
        by_month[row.month].add(row.cell.pk)
    gaps = {}
    for month, cell_ids in by_month.items():
        last = _last_day(month)
        ids = sorted(cell_ids)
        roster = facts.roster_at(last, ids)
        here = Membership.objects.valid_on(last).filter(cell_id__in=ids).values("member_id")
        members = Member.objects.filter(pk__in=here).only(
            "pk", "full_name", "given_name", "sort_name", "work_status"
        )
        members = {m.pk: m for m in members}
        exempt = set(
            Exemption.objects.valid_on(last).filter(member_id__in=here).values_list("member_id", flat=True)
        )
        held = (
            Meeting.objects.filter(status=MeetingStatus.HELD, cell_id__in=ids)
            .annotate(moment=Coalesce("started_at", "scheduled_at"))
            .filter(moment__gte=local_midnight(month), moment__lt=local_midnight(last + dt.timedelta(days=1)))
        )
        tasked = set(Task.objects.filter(meeting__in=held.values("pk")).values_list("cell_id", "member_id"))
        for cell_id in ids:
            people = [
                members[m]
                for m in roster.get(cell_id, ())
                if m in members
                and m not in exempt
                and members[m].work_status == WorkStatus.WORKING
                and (cell_id, m) not in tasked
            ]
            gaps[(cell_id, month)] = tuple(sorted(people, key=_by_name))
    return [replace(row, members=gaps.get((row.cell.pk, row.month), ())) for row in rows]


def _leader_positions(org: Organisation, months):
    lasts = [_last_day(m) for m in months]
    return Position.objects.overlapping(lasts[0], lasts[-1] + dt.timedelta(days=1)).filter(
        in_subtree_q(org, via="cell"),
        kind__in=facts.LEADER_KINDS,
        cell__kind=OrgKind.CELL,
    )


def _untrained_query(org: Organisation, period: Period):
    """(cell_id, member_id) of the people untrained at the end of at least one month, in the list's order:
    cell, highest position, name. The same date rules as _untrained_rows, as conditions."""
    months = months_of(period)
    if not months:
        return Position.objects.none().values("cell_id", "member_id")
    open_start = Position._meta.get_field("valid_from").null
    untrained = Q(pk__in=[])
    for month in months:
        last = _last_day(month)
        trained = (
            TrainingRecord.objects.filter(
                member=OuterRef("member_id"), kind=TrainingKind.PARTY_WORK, completed=True
            )
            .annotate(done_on=Coalesce("ended_on", "started_on"))
            .filter(done_on__gte=training_rules.window_start(last), done_on__lte=last)
        )
        untrained |= valid_on_q(last, open_start=open_start) & _active_q(last, "cell__") & ~Q(Exists(trained))
    rank = Case(*(When(kind=kind, then=Value(n)) for kind, n in POSITION_RANK.items()), default=Value(9))
    return (
        _leader_positions(org, months)
        .filter(untrained)
        .values("cell_id", "member_id")
        .annotate(rank=Min(rank))
        .order_by("cell__path", "rank", *name_order("member__"))
    )


def _untrained_rows(org: Organisation, period: Period, keys) -> list[UntrainedLeader]:
    """The rows of the (cell, member) keys, in their order: positions, last training, months."""
    months = months_of(period)
    wanted = {(k["cell_id"], k["member_id"]) for k in keys}
    if not wanted or not months:
        return []
    lasts = [_last_day(m) for m in months]
    member_ids = {member_id for _c, member_id in wanted}
    positions = _leader_positions(org, months).filter(
        member_id__in=member_ids, cell_id__in={cell_id for cell_id, _m in wanted}
    )
    # Narrow rows: the models' own date rules applied to them (they read only these attributes).
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
    trainings = defaultdict(list)
    for member_id, done_on in (
        TrainingRecord.objects.filter(kind=TrainingKind.PARTY_WORK, completed=True, member_id__in=member_ids)
        .annotate(done_on=Coalesce("ended_on", "started_on"))
        .filter(done_on__lte=lasts[-1])
        .values_list("member_id", "done_on")
    ):
        trainings[member_id].append(done_on)
    found: dict[tuple[int, int], dict] = {}
    for h in held:
        if (h.cell_id, h.member_id) not in wanted:
            continue
        for month, last in zip(months, lasts, strict=True):
            if not (Position.is_valid_on(h, last) and Organisation.is_active_on(h, last)):
                continue
            if any(training_rules.counts_on(day, last) for day in trainings[h.member_id]):
                continue
            entry = found.setdefault((h.cell_id, h.member_id), {"kinds": set(), "months": set()})
            entry["kinds"].add(h.kind)
            entry["months"].add(month)
    members = Member.objects.only(*LISTED_MEMBER_FIELDS).in_bulk(member_ids)
    cells = Organisation.objects.only(*LISTED_CELL_FIELDS).in_bulk({cell_id for cell_id, _m in wanted})
    out = []
    for key in keys:
        entry = found[(key["cell_id"], key["member_id"])]
        member, latest = members[key["member_id"]], _last_day(max(entry["months"]))
        done = [day for day in trainings[member.pk] if day <= latest]
        kinds = sorted(entry["kinds"], key=lambda k: POSITION_RANK.get(k, 9))
        out.append(
            UntrainedLeader(
                member=member,
                cell=cells[key["cell_id"]],
                positions=tuple(PositionKind(k).label for k in kinds),
                last_training=max(done) if done else None,
                months=tuple(sorted(entry["months"])),
            )
        )
    return out


def untrained_leaders(org: Organisation, period: Period) -> list[UntrainedLeader]:
    """T6: people holding a secretary, deputy or committee position in a cell of the subtree on a month's
    last day without a completed party-work training within the validity window before that day. One row
    per person and cell, with the months it applies to."""
    return _untrained_rows(org, period, list(_untrained_query(org, period)))


def _late_minutes_query(org: Organisation, period: Period):
    """Held meetings whose minutes are late (meetings.rules.minutes_on_time is False), as a condition per
    distinct number of days the rule sets allow: approved on a local day after the meeting's local day
    plus those days, or not approved and that deadline before today."""
    held = _held(org, months_of(period))
    tz = timezone.get_default_timezone()
    approved_day = TruncDate("minutes__approved_at", tzinfo=tz)
    late = Q(pk__in=[])
    for days in RuleSet.objects.order_by().values_list("minutes_days_after", flat=True).distinct():
        # The deadline is the meeting's local day + days (minutes_deadline); the zone has no daylight saving.
        deadline = TruncDate(F("moment") + dt.timedelta(days=days), tzinfo=tz)
        overdue = Q(
            minutes__approved_at__isnull=True, moment__lt=local_midnight(today() - dt.timedelta(days=days))
        )
        late |= Q(rule_set__minutes_days_after=days) & (Q(GreaterThan(approved_day, deadline)) | overdue)
    return (
        held.filter(late)
        .order_by("moment", "pk")
        .values_list("pk", "moment", "minutes__approved_at", "rule_set__minutes_days_after")
    )


def _late_minutes_rows(org: Organisation, period: Period, keys) -> list[LateMinutes]:
    rows = []
    for pk, moment, approved_at, days_after in keys:
        day = timezone.localtime(moment).date()
        approved_on = timezone.localtime(approved_at).date() if approved_at else None
        on_time = meeting_rules.minutes_on_time(
            approved_on=approved_on, meeting_day=day, days_after=days_after, today=today()
        )
        if on_time is False:  # the query's condition, checked with the rule itself
            rows.append((pk, moment, approved_on, meeting_rules.minutes_deadline(day, days_after)))
    if not rows:
        return []
    meetings = (
        Meeting.objects.select_related("cell")
        .only("kind", "cell", *(f"cell__{name}" for name in LISTED_CELL_FIELDS))
        .in_bulk([pk for pk, *_rest in rows])
    )
    return [
        LateMinutes(
            meeting=meetings[pk],
            held_at=timezone.localtime(moment),
            deadline=deadline,
            approved_on=approved_on,
        )
        for pk, moment, approved_on, deadline in rows
    ]


def late_minutes(org: Organisation, period: Period) -> list[LateMinutes]:
    """Meetings held in the month whose minutes were not approved within the rule set's days; minutes
    still waiting are late once their deadline has passed (before, they are not late yet)."""
    return _late_minutes_rows(org, period, list(_late_minutes_query(org, period)))


def _removal_query(org: Organisation, period: Period):
    return removal_members(org=org, year=period.first.year).only(*LISTED_MEMBER_FIELDS)


def _removal_rows(org: Organisation, period: Period, keys) -> list[RemovalCase]:
    if not keys:
        return []
    cases = {
        c.member.pk: c
        for c in removal_cases(org=org, year=period.first.year, member_ids=[m.pk for m in keys])
    }
    return [cases[m.pk] for m in keys]


def removal_risks(org: Organisation, period: Period) -> list[RemovalCase]:
    """Members absent without reason in 3 different months of the period's year (DOMAIN §5)."""
    return _removal_rows(org, period, list(_removal_query(org, period)))


# --- the catalogue ----------------------------------------------------------------------------------


class _Listing:
    """One list for one organisation and period, as Django's Paginator reads it: count() in the database,
    and a slice that fetches only its keys and builds only its rows."""

    def __init__(self, fix: "FixList", org: Organisation, period: Period):
        self.fix, self.org, self.period = fix, org, period
        self._query = fix.query(org, period)

    def count(self) -> int:
        return self._query.count()

    def __getitem__(self, index: slice) -> list:
        return self.fix.rows(self.org, self.period, list(self._query[index]))


@dataclass(frozen=True)
class FixList:
    code: str  # in URLs
    title: str
    rule: str  # one sentence saying what is listed
    query: Callable[[Organisation, Period], QuerySet]  # one ordered row per listed item
    rows: Callable[[Organisation, Period, list], list]  # the rows shown for one page's keys
    personal: bool  # rows are people: their names need can_read_members_of

    def listing(self, org: Organisation, period: Period) -> _Listing:
        """Count and pages (pages, the overview's first rows)."""
        return _Listing(self, org, period)

    def build(self, org: Organisation, period: Period) -> list:
        """The whole list (report files, built by the background worker)."""
        return self.rows(org, period, list(self.query(org, period)))


LISTS: dict[str, FixList] = {
    f.code: f
    for f in (
        FixList(
            "chua-sinh-hoat",
            "Chi bộ chưa sinh hoạt thường kỳ",
            "Chi bộ đang hoạt động đến cuối tháng nhưng không có buổi sinh hoạt thường kỳ nào đã tổ chức "
            "trong tháng (T1). Tháng đang diễn ra: chỉ chi bộ đã quá ngày dự kiến hoặc không có lịch họp từ "
            "hôm nay đến cuối tháng.",
            _no_regular_query,
            _no_regular_rows,
            False,
        ),
        FixList(
            "du-hop-duoi-90",
            "Chi bộ có tỷ lệ dự sinh hoạt dưới 90%",
            "Tổng số đảng viên có mặt chia cho tổng số phải dự các buổi sinh hoạt thường kỳ trong tháng "
            "(không tính người được miễn) dưới 90% (T4).",
            _low_attendance_query,
            _low_attendance_rows,
            False,
        ),
        FixList(
            "thieu-buoc-tai-lieu",
            "Buổi sinh hoạt thiếu bước bắt buộc hoặc tài liệu gửi muộn",
            "Buổi sinh hoạt thường kỳ còn bước bắt buộc chưa thực hiện (T3), hoặc tài liệu không được gửi "
            "đến đảng viên trước ít nhất 24 giờ (T2).",
            _meeting_gaps_query,
            _meeting_gaps_rows,
            False,
        ),
        FixList(
            "chua-giao-nhiem-vu",
            "Đảng viên đang công tác chưa được phân công nhiệm vụ",
            "Đảng viên đang công tác, không được miễn sinh hoạt, có tên ở chi bộ ngày cuối tháng nhưng "
            "không nhận nhiệm vụ nào từ các buổi sinh hoạt của chi bộ trong tháng (T5). Tháng đang diễn ra: "
            "chưa tính chi bộ đã lên lịch sinh hoạt thường kỳ từ hôm nay đến cuối tháng.",
            _task_gaps_query,
            _task_gaps_rows,
            False,  # cells and counts; the names are shown only to those who may read members
        ),
        FixList(
            "chua-boi-duong",
            "Bí thư, phó bí thư, chi ủy viên chưa được bồi dưỡng",
            "Người giữ chức vụ ngày cuối tháng chưa hoàn thành lớp bồi dưỡng nghiệp vụ công tác Đảng "
            "trong thời hạn hiệu lực (T6).",
            _untrained_query,
            _untrained_rows,
            True,
        ),
        FixList(
            "bien-ban-tre-han",
            "Biên bản chưa thông qua đúng hạn",
            "Buổi sinh hoạt đã tổ chức trong tháng có biên bản không được thông qua trong thời hạn quy định "
            "sau buổi sinh hoạt (biên bản chưa đến hạn thông qua thì chưa tính).",
            _late_minutes_query,
            _late_minutes_rows,
            False,
        ),
        FixList(
            "xoa-ten",
            "Đảng viên vắng không lý do 3 tháng trong năm",
            "Đảng viên vắng sinh hoạt không có lý do trong 3 tháng khác nhau của năm: trường hợp xem xét "
            "xóa tên.",
            _removal_query,
            _removal_rows,
            True,
        ),
    )
}
