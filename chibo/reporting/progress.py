"""The month in progress: before the current month ends, a cell whose regular meeting is still ahead has
not failed anything yet, and minutes whose deadline is still ahead are not late (DOMAIN §8 read on a day
of the month, not at its end). Past months are judged as they are.

Read only, for pages: the fact tables say what is done; the meetings still planned are read from the
base table (a few narrow queries per page, whatever the number of cells). `today()` (chibo.common.dates,
i.e. django.utils.timezone.localdate) is the one "today"; tests fix it there.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from chibo.common.dates import local_midnight, month_end, today
from chibo.meetings import rules as meeting_rules
from chibo.meetings.models import Meeting, MeetingKind, MeetingStatus
from chibo.orgs.models import Organisation, in_subtree_q
from chibo.reporting import engine, facts
from chibo.reporting.indicators import KEYS, Indicator, status
from chibo.reporting.models import COUNT_FIELDS, CellMonthFact

# The indicators a cell meets only at its regular meeting: while that meeting is still ahead in the
# month, the cell is left out of their judgement (not counted as failing).
AT_THE_MEETING = (
    "regular_meeting_rate",
    "materials_rate",
    "procedure_rate",
    "cells_attendance_ok_rate",
    "task_coverage_rate",
)
MINUTES_KEY = "minutes_on_time_rate"

# Meetings that may still take place: planned, or open now.
_NOT_YET_HELD = (MeetingStatus.PLANNED, MeetingStatus.OPEN)


def current_month() -> dt.date:
    return today().replace(day=1)


def in_progress(month: dt.date) -> bool:
    return month.replace(day=1) == current_month()


@dataclass
class Progress:
    """A unit's month so far. `ahead` sums the fact counts of its cells whose regular meeting is still
    scheduled (those counts are left out of the judgement of AT_THE_MEETING)."""

    cells: int = 0  # cells counted in the month
    held: int = 0  # cells with a regular meeting held
    scheduled: int = 0  # cells without one yet, with one scheduled from today to the month's end
    minutes_waiting: int = 0  # meetings held whose minutes are not approved and not yet due
    next_day: dt.date | None = None  # for a cell: the day its regular meeting is scheduled
    ahead: dict = field(default_factory=dict)

    @property
    def late(self) -> int:
        """Cells without a regular meeting held and none scheduled for the rest of the month."""
        return max(self.cells - self.held - self.scheduled, 0)

    @property
    def text(self) -> str:
        """'13 chi bộ đã họp · 26 chi bộ đã lên lịch' (and the cells already late, if any)."""
        out = f"{self.held} chi bộ đã họp · {self.scheduled} chi bộ đã lên lịch"
        if self.late:
            out += f" · {self.late} chi bộ quá ngày dự kiến hoặc chưa có lịch"
        return out

    def pending(self, key: str) -> bool:
        """Whether some of the indicator's denominator is not due yet."""
        if key in AT_THE_MEETING:
            return self.scheduled > 0
        return key == MINUTES_KEY and self.minutes_waiting > 0

    def judged(self, indicator: Indicator) -> Indicator:
        """The indicator over what is due by today only: what the status word compares with the target."""
        key = indicator.key
        if key in AT_THE_MEETING and self.ahead:
            num, den = KEYS[key][0], KEYS[key][1]
            return Indicator(
                key,
                indicator.numerator - self.ahead.get(num, 0),
                indicator.denominator - self.ahead.get(den, 0),
            )
        if key == MINUTES_KEY and self.minutes_waiting:
            return Indicator(key, indicator.numerator, indicator.denominator - self.minutes_waiting)
        return indicator


def judged_status(indicator: Indicator, target: Decimal | None, progress: Progress | None) -> str:
    """status() against the target; in the month in progress, over what is due by today only, and
    'pending' while nothing due has fallen short (the rest of the denominator is scheduled)."""
    if progress is None or not progress.pending(indicator.key):
        return status(indicator, target)
    if target is None:
        return "none"
    code = status(progress.judged(indicator), target)
    return "pending" if code in ("met", "none") else code


def _planned(org: Organisation, month: dt.date, *, from_day: dt.date | None, to_day: dt.date):
    """Regular meetings of the subtree not (yet) held, scheduled in [from_day, to_day) of the month."""
    start = local_midnight(from_day or month)
    end = local_midnight(to_day)
    return (
        Meeting.objects.filter(
            in_subtree_q(org, via="cell"), kind=MeetingKind.REGULAR, status__in=_NOT_YET_HELD
        )
        .annotate(moment=Coalesce("started_at", "scheduled_at"))
        .filter(moment__gte=start, moment__lt=end)
    )


def planned_ahead(org: Organisation, month: dt.date):
    """Regular meetings of the subtree not held yet and scheduled from today to the end of `month` (the
    month in progress): a cell with one still has its meeting ahead (see _scheduled_facts)."""
    last = month_end(month.year, month.month)
    return _planned(org, month, from_day=today(), to_day=last + dt.timedelta(days=1))


def _scheduled_facts(org: Organisation, month: dt.date) -> dict[int, tuple[dt.date, dict]]:
    """Cells of `org`'s subtree counted in the month in progress, without a regular meeting held in it,
    with one scheduled from today to the month's end → (the first such day, the cell's fact row with
    its path). Two queries."""
    rows = planned_ahead(org, month).order_by().values("cell_id").annotate(first=Min("moment"))
    first = {r["cell_id"]: timezone.localtime(r["first"]).date() for r in rows}
    if not first:
        return {}
    waiting = CellMonthFact.objects.filter(month=month, cell_id__in=list(first), regular_ok=0).values(
        "cell_id", "path", *COUNT_FIELDS
    )
    return {row["cell_id"]: (first[row["cell_id"]], row) for row in waiting}


def scheduled_cells(org: Organisation, month: dt.date) -> dict[int, dt.date]:
    """The cells whose regular meeting is still ahead in the month in progress (see _scheduled_facts) →
    its day. Empty for any other month."""
    if not in_progress(month):
        return {}
    return {pk: day for pk, (day, _row) in _scheduled_facts(org, month).items()}


def overdue_days(org: Organisation, month: dt.date) -> dict[int, dt.date]:
    """For the month in progress: cells with a regular meeting scheduled on a day before today that was
    not held (planned still, or opened and never closed) → the latest such day. One query."""
    if not in_progress(month):
        return {}
    rows = (
        _planned(org, month, from_day=None, to_day=today())
        .order_by()
        .values("cell_id")
        .annotate(last=Max("moment"))
    )
    return {r["cell_id"]: timezone.localtime(r["last"]).date() for r in rows}


def _minutes_waiting(org: Organisation, month: dt.date) -> list[str]:
    """The cells' paths of the meetings held in the month in progress whose minutes are not approved and
    not yet due (meeting_rules.minutes_on_time says None), one per meeting. One query."""
    last = month_end(month.year, month.month)
    held = (
        Meeting.objects.filter(in_subtree_q(org, via="cell"), status=MeetingStatus.HELD)
        .filter(Q(minutes__isnull=True) | Q(minutes__approved_at__isnull=True))
        .annotate(moment=Coalesce("started_at", "scheduled_at"))
        .filter(moment__gte=local_midnight(month), moment__lt=local_midnight(last + dt.timedelta(days=1)))
        .values_list("cell__path", "moment", "rule_set__minutes_days_after")
    )
    now = today()
    return [
        path
        for path, moment, days_after in held
        if meeting_rules.minutes_on_time(
            approved_on=None, meeting_day=timezone.localtime(moment).date(), days_after=days_after, today=now
        )
        is None
    ]


def for_units(org: Organisation, units, month: dt.date) -> dict[int, Progress] | None:
    """Progress of `org` and of each of `units` (its children) in the month in progress; None for any
    other month. Four queries whatever the number of units: their fact sums, the meetings still
    scheduled with those cells' facts, and the minutes not yet due."""
    if not in_progress(month):
        return None
    ids = [org.pk, *[u.pk for u in units if u.pk != org.pk]]
    out = {pk: Progress() for pk in ids}
    for (pk, _month), counts in engine.org_month_counts(ids, [month]).items():
        out[pk].cells, out[pk].held = counts["cells"], counts["regular_ok"]
    for cell_id, (day, row) in _scheduled_facts(org, month).items():
        for unit_id in facts.ancestor_ids(row["path"]):
            progress = out.get(unit_id)
            if progress is None:
                continue
            progress.scheduled += 1
            for name in COUNT_FIELDS:
                progress.ahead[name] = progress.ahead.get(name, 0) + row[name]
            if unit_id == cell_id:
                progress.next_day = day
    for path in _minutes_waiting(org, month):
        for unit_id in facts.ancestor_ids(path):
            if unit_id in out:
                out[unit_id].minutes_waiting += 1
    return out


def for_period(org: Organisation, units, period) -> dict[int, Progress] | None:
    """for_units for the month in progress when `period` (a periods.Period) includes it, else None: a
    quarter or a year still running leaves the same cells out of its judgement."""
    current = current_month()
    if current not in period.months:
        return None
    return for_units(org, units, current)
