"""What a dashboard page shows, assembled from the fact tables as plain data (the view only renders).

Query budget: whatever the number of child units, a dashboard reads the unit's plan, the children, the
children's own plans, the children's facts (one query) and the unit's 12-month facts (one query).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from chibo.common.collation import sort_key
from chibo.common.dates import add_months, fmt, month_end, today
from chibo.orgs.models import Organisation
from chibo.reporting import engine, periods
from chibo.reporting import progress as month_progress
from chibo.reporting.indicators import KEYS, Indicator, denominator_unit, fmt_percent, indicators_from
from chibo.reporting.models import Plan
from chibo.reporting.periods import Period
from chibo.reporting.progress import Progress, judged_status

TREND_MONTHS = 12

STATUS_WORDS = {
    "met": "Đạt",
    "close": "Gần đạt",
    "far": "Chưa đạt",
    "pending": "Chưa đến hạn",  # the month in progress: nothing late yet, the rest is scheduled
}

# Column headers of the child table: short enough for a phone; the full label is the header's title.
SHORT_LABELS = {
    "regular_meeting_rate": "SH thường kỳ",
    "thematic_meeting_rate": "SH chuyên đề",
    "materials_rate": "Tài liệu",
    "procedure_rate": "Đủ bước",
    "attendance_rate": "Dự họp",
    "cells_attendance_ok_rate": "CB dự ≥ 90%",
    "task_coverage_rate": "Giao nhiệm vụ",
    "leader_training_rate": "Bồi dưỡng",
    "minutes_on_time_rate": "Biên bản",
    "supervision_rate": "Phụ trách dự",
}

# Sort keys of the child table besides the indicator keys.
SORT_NAME = "ten"
ASCENDING, DESCENDING = "tang", "giam"


def status_word(
    indicator: Indicator, target: Decimal | None, progress: Progress | None = None, code: str | None = None
) -> str:
    code = code or judged_status(indicator, target, progress)
    if code != "none":
        return STATUS_WORDS[code]
    return "Chưa có số liệu" if indicator.denominator == 0 else "Chưa đặt chỉ tiêu"


def fmt_target(target: Decimal | None) -> str:
    if target is None:
        return "—"
    return f"{target.normalize():f}".replace(".", ",") + "%"


def fraction_text(indicator: Indicator, summed: tuple[int, int] = (1, 1)) -> str:
    """'18/20 chi bộ' for a month, '89/117 lượt chi bộ-tháng' for a quarter (`summed`: Period.summed)."""
    return f"{indicator.numerator}/{indicator.denominator} {denominator_unit(indicator.key, *summed)}"


def pending_note(key: str, progress: Progress | None, is_cell: bool, prefix: str = "") -> str:
    """Under an indicator of the month in progress: what is done and what is still scheduled. `prefix`
    names the month on a quarter's or a year's page."""
    if progress is None or not progress.pending(key):
        return ""
    if key == month_progress.MINUTES_KEY:
        note = f"{progress.minutes_waiting} buổi chưa đến hạn thông qua biên bản"
    elif is_cell:
        note = f"Đã lên lịch sinh hoạt ngày {fmt(progress.next_day)}"
    elif key == "regular_meeting_rate":
        note = progress.text
    else:
        note = f"Chưa đánh giá {progress.scheduled} chi bộ đã lên lịch sinh hoạt"
    return prefix + note


def note_prefix(period: Period) -> str:
    """'Tháng 6/2025: ' before the month in progress's notes on a quarter's or a year's page."""
    if period.kind == "month":
        return ""
    now = today()
    return f"Tháng {now.month}/{now.year}: "


def progress_text(progress: Progress | None, is_cell: bool) -> str:
    """The month in progress in one sentence, for the page's head."""
    if progress is None:
        return ""
    if not is_cell:
        return progress.text
    if progress.held:
        return "Chi bộ đã sinh hoạt thường kỳ trong tháng."
    if progress.scheduled:
        return f"Chi bộ đã lên lịch sinh hoạt thường kỳ ngày {fmt(progress.next_day)}."
    return "Chi bộ chưa sinh hoạt thường kỳ và không còn lịch trong tháng."


def month_short(month: dt.date) -> str:
    """'T3/25': short enough for twelve labels across a phone."""
    return f"T{month.month}/{month.year % 100:02d}"


# --- periods ---------------------------------------------------------------------------------------------


def current_month() -> Period:
    now = today()
    return periods.month(now.year, now.month)


def resolve_period(text: str | None) -> tuple[Period, str | None]:
    """The period asked for in `?ky=`, or the current month with a Vietnamese message saying why."""
    if not text:
        return current_month(), None
    try:
        period = periods.parse(text)
    except ValueError as error:
        return current_month(), f"{error} Đang hiển thị tháng hiện tại."
    if period.first > today().replace(day=1):
        return current_month(), f"Kỳ {period.label} chưa đến. Đang hiển thị tháng hiện tại."
    return period, None


def _shift(period: Period, step: int) -> Period:
    if period.kind == "month":
        first = add_months(period.first, step)
        return periods.month(first.year, first.month)
    if period.kind == "quarter":
        first = add_months(period.first, 3 * step)
        return periods.quarter(first.year, (first.month - 1) // 3 + 1)
    return periods.year(period.first.year + step)


def last_shown_month(period: Period) -> dt.date:
    """The period's last month, or the current month for a period still running."""
    return min(period.last, today().replace(day=1))


@dataclass
class PeriodNav:
    period: Period
    previous: Period
    next: Period | None  # None past the current month
    kinds: list[tuple[str, str, bool]]  # (code, label, current) for month / quarter / year


def period_nav(period: Period) -> PeriodNav:
    nxt = _shift(period, 1)
    if nxt.first > today().replace(day=1):
        nxt = None
    anchor = last_shown_month(period)
    choices = [
        ("month", periods.month(anchor.year, anchor.month), "Tháng"),
        ("quarter", periods.quarter(anchor.year, (anchor.month - 1) // 3 + 1), "Quý"),
        ("year", periods.year(anchor.year), "Năm"),
    ]
    kinds = [(p.code, label, kind == period.kind) for kind, p, label in choices]
    return PeriodNav(period, _shift(period, -1), nxt, kinds)


def trend_months(period: Period) -> list[dt.date]:
    last = last_shown_month(period)
    return [add_months(last, -i) for i in range(TREND_MONTHS - 1, -1, -1)]


def trend_range(period: Period) -> Period:
    """The months a dashboard reads: the trend's twelve, which end at (and so include) the period."""
    months = trend_months(period)
    first = min(months[0], period.first)
    return Period("range", first, max(months[-1], period.last))


# --- targets ---------------------------------------------------------------------------------------------


def children_targets(children, period: Period, inherited: dict) -> dict[int, dict]:
    """Each child's own targets: its own plan in force where it has one (one query with its targets),
    else the targets the parent's page already uses. Deeper plans do not change a child's own row."""
    ids = [c.pk for c in children]
    plans = (
        Plan.objects.overlapping(period.first, period.until)
        .filter(owner_id__in=ids)
        .prefetch_related("targets")
        if ids
        else []
    )
    best: dict[int, Plan] = {}
    for plan in plans:
        current = best.get(plan.owner_id)
        if current is None or (plan.valid_from, plan.pk) > (current.valid_from, current.pk):
            best[plan.owner_id] = plan
    out = {}
    for pk in ids:
        plan = best.get(pk)
        own = dict(inherited)
        if plan is not None:
            for target in plan.targets.all():
                if target.key in own:
                    own[target.key] = target.target
        out[pk] = own
    return out


# --- rows ------------------------------------------------------------------------------------------------


@dataclass
class IndicatorRow:
    key: str
    label: str
    target_no: str
    indicator: Indicator
    own_target: Decimal | None
    city_target: Decimal | None
    status: str
    word: str
    city_status: str
    city_word: str
    summed: tuple[int, int] = (1, 1)
    note: str = ""  # the month in progress: what is still scheduled
    percent: str = ""
    fraction: str = ""
    own_target_text: str = ""
    city_target_text: str = ""

    def __post_init__(self):
        self.percent = fmt_percent(self.indicator.percent)
        self.fraction = fraction_text(self.indicator, self.summed)
        self.own_target_text = fmt_target(self.own_target)
        self.city_target_text = fmt_target(self.city_target)


def indicator_rows(
    values: dict[str, Indicator],
    own: dict,
    city: dict,
    *,
    summed: tuple[int, int] = (1, 1),
    progress: Progress | None = None,
    is_cell: bool = False,
    prefix: str = "",
) -> list[IndicatorRow]:
    rows = []
    for key, (_num, _den, label, target_no) in KEYS.items():
        ind = values[key]
        own_code = judged_status(ind, own.get(key), progress)
        city_code = judged_status(ind, city.get(key), progress)
        rows.append(
            IndicatorRow(
                key=key,
                label=label,
                target_no=target_no,
                indicator=ind,
                own_target=own.get(key),
                city_target=city.get(key),
                status=own_code,
                word=status_word(ind, own.get(key), code=own_code),
                city_status=city_code,
                city_word=status_word(ind, city.get(key), code=city_code),
                summed=summed,
                note=pending_note(key, progress, is_cell, prefix),
            )
        )
    return rows


@dataclass
class Cell:
    """One indicator of one child in the table."""

    percent: str
    fraction: str
    status: str
    word: str


@dataclass
class ChildRow:
    org: Organisation
    values: dict[str, Indicator] = field(repr=False)
    href: str = ""
    cells: list[Cell] | None = None  # filled only for the rows of the page shown


def child_rows(children, values: dict[int, dict], link: str = "") -> list[ChildRow]:
    """One row per child; `link` is the dashboard address with `{pk}` in place of the child's id."""
    return [ChildRow(child, values[child.pk], link.replace("{pk}", str(child.pk))) for child in children]


def fill_cells(
    rows,
    targets: dict[int, dict],
    *,
    summed: tuple[int, int] = (1, 1),
    progress: dict[int, Progress] | None = None,
    prefix: str = "",
) -> None:
    """The table cells of the rows shown: formatting ten indicators against two targets is most of the
    Python a dashboard costs, so it is not done for the rows on other pages."""
    for row in rows:
        own = targets[row.org.pk]
        unit = progress.get(row.org.pk) if progress else None
        cells = []
        for key in KEYS:
            ind = row.values[key]
            code = judged_status(ind, own.get(key), unit)
            word = STATUS_WORDS[code] if code != "none" else status_word(ind, own.get(key), code=code)
            title = fraction_text(ind, summed)
            if note := pending_note(key, unit, row.org.is_cell, prefix):
                title += f" · {note}"
            if (
                code == "pending"
                and unit is not None
                and unit.next_day
                and key in month_progress.AT_THE_MEETING
            ):
                # A cell whose meeting is ahead: its day, not a 0% that reads as a failure.
                cells.append(Cell(f"{unit.next_day:%d/%m}", title, code, "Đã lên lịch"))
                continue
            cells.append(Cell(fmt_percent(ind.percent), title, code, word))
        row.cells = cells


def sort_children(rows: list[ChildRow], key: str | None, direction: str | None) -> list[ChildRow]:
    """Server-side sort by name or by an indicator's value; units without a value always come last."""
    descending = direction == DESCENDING
    if key in KEYS:
        with_value = [r for r in rows if r.values[key].denominator]
        without = [r for r in rows if not r.values[key].denominator]
        with_value.sort(key=lambda r: (r.values[key].ratio, sort_key(r.org.name)), reverse=descending)
        return with_value + sorted(without, key=lambda r: sort_key(r.org.name))
    return sorted(rows, key=lambda r: (sort_key(r.org.name), r.org.code), reverse=descending)


def sort_links(current_key: str, direction: str) -> list[dict]:
    """One header per column: its sort query and the arrow shown when it is the current sort."""
    out = []
    for key in (SORT_NAME, *KEYS):
        active = key == current_key
        # A first click sorts ascending: for an indicator, the units that need help come first.
        new_direction = (DESCENDING if direction == ASCENDING else ASCENDING) if active else ASCENDING
        out.append(
            {
                "key": key,
                "label": "Tổ chức" if key == SORT_NAME else KEYS[key][2],
                "short": "Tổ chức" if key == SORT_NAME else SHORT_LABELS[key],
                "target_no": "" if key == SORT_NAME else KEYS[key][3],
                "direction": new_direction,
                "arrow": ("▲" if direction == ASCENDING else "▼") if active else "",
                "active": active,
            }
        )
    return out


def children_of(org: Organisation, period: Period, visible):
    """Direct children the user sees that existed at some time in the period."""
    last_day = month_end(period.last.year, period.last.month)
    return list(
        visible.filter(parent=org)
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=last_day))
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=period.first))
        .order_by("path")
    )


# --- the unit's own months -------------------------------------------------------------------------------

# A cell's own numbers month by month: (label, numerator field, denominator field or None for yes/no).
CELL_NUMBERS = [
    ("Sinh hoạt thường kỳ", "regular_ok", None),
    ("Sinh hoạt chuyên đề trong quý", "thematic_ok", None),
    ("Tài liệu trước 1 ngày", "materials_ok", None),
    ("Đủ các bước bắt buộc", "procedure_ok", None),
    ("Có mặt / phải dự", "present", "required"),
    ("Được giao nhiệm vụ / đảng viên đang công tác", "task_covered", "task_members"),
    ("Cấp ủy được bồi dưỡng / cấp ủy", "leaders_trained", "leaders"),
    ("Biên bản đúng hạn / buổi họp", "minutes_on_time", "meetings_held"),
    ("Cấp ủy viên phụ trách dự (trong quý)", "supervised", None),
]


# The yes/no numbers a cell's regular meeting decides: while it is still scheduled, not yet "Không".
_AT_THE_MEETING = ("regular_ok", "materials_ok", "procedure_ok")


def month_numbers(
    months: list[dt.date], per_month: dict[dt.date, dict], progress: Progress | None = None
) -> list[dict]:
    """A cell's counts per month; `active` False for months the cell had no facts (not yet founded,
    dissolved, or not built). `progress`: the cell's month in progress, if shown."""
    out = []
    current = today().replace(day=1)
    for month in months:
        counts = per_month.get(month)
        ahead = progress is not None and month == current and progress.scheduled > 0
        values = []
        for label, num, den in CELL_NUMBERS:
            if not counts:
                values.append((label, "—"))
            elif ahead and num in _AT_THE_MEETING and not counts[num]:
                values.append((label, f"Chưa đến hạn (lịch họp {fmt(progress.next_day)})"))
            elif den is None:
                values.append((label, "Có" if counts[num] else "Không"))
            else:
                values.append((label, f"{counts[num]}/{counts[den]}"))
        out.append({"month": month, "label": f"{month.month:02d}/{month.year}", "values": values})
    return out


def trend_values(months: list[dt.date], per_month: dict[dt.date, dict]) -> dict[str, list]:
    """Per indicator key, one Indicator (or None without facts) per month."""
    out = {key: [] for key in KEYS}
    for month in months:
        counts = per_month.get(month)
        values = indicators_from(counts) if counts else None
        for key in KEYS:
            out[key].append(values[key] if values else None)
    return out


def unit_months(org: Organisation, months: list[dt.date]) -> dict[dt.date, dict]:
    rows = engine.org_month_counts([org.pk], months)
    return {month: counts for (_pk, month), counts in rows.items()}
