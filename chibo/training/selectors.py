"""Reads: the leaders' training gap list (T6 per person) and upcoming courses."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models.functions import Coalesce

from chibo.members.models import Member, Position, TrainingKind, TrainingRecord
from chibo.orgs.models import Organisation, in_ancestors_q
from chibo.training import rules


@dataclass
class Leader:
    member: Member
    kinds: list[str]  # position labels held in the cell that day
    last_done_on: dt.date | None  # latest completed party-work training up to the day
    trained: bool


@dataclass
class CellGaps:
    cell: Organisation
    leaders: list[Leader] = field(default_factory=list)

    @property
    def trained(self) -> list[Leader]:
        return [x for x in self.leaders if x.trained]

    @property
    def untrained(self) -> list[Leader]:
        return [x for x in self.leaders if not x.trained]


@dataclass
class GapSummary:
    day: dt.date
    leaders: int  # people per cell, as T6 counts them
    trained: int
    cell_ids: list[int]  # cells with leaders, in display order

    @property
    def untrained(self) -> int:
        return self.leaders - self.trained


def _cells(org: Organisation, day: dt.date):
    return Organisation.objects.subtree_of(org).cells().active_on(day)


def _positions(org: Organisation, day: dt.date):
    return Position.objects.valid_on(day).filter(
        kind__in=rules.LEADER_KINDS, cell__in=_cells(org, day).values("pk")
    )


def _done_days(member_ids, day: dt.date) -> dict[int, dt.date]:
    """Each member's latest completed party-work training up to `day` (T6 reads the same rows)."""
    latest: dict[int, dt.date] = {}
    rows = (
        TrainingRecord.objects.filter(kind=TrainingKind.PARTY_WORK, completed=True, member_id__in=member_ids)
        .annotate(done_on=Coalesce("ended_on", "started_on"))
        .filter(done_on__lte=day)
        .values_list("member_id", "done_on")
    )
    for member_id, done_on in rows:
        if member_id not in latest or done_on > latest[member_id]:
            latest[member_id] = done_on
    return latest


def trained_member_ids(day: dt.date):
    """Members with a completed party-work training that counts on `day` (a subquery)."""
    return (
        TrainingRecord.objects.filter(kind=TrainingKind.PARTY_WORK, completed=True)
        .annotate(done_on=Coalesce("ended_on", "started_on"))
        .filter(done_on__lte=day, done_on__gte=rules.window_start(day))
        .values("member_id")
    )


def gap_summary(org: Organisation, day: dt.date, *, with_cells: bool = True) -> GapSummary:
    """Counts for the whole subtree, in the database (people per cell, as T6 counts them); with the
    ordered ids of the cells that have leaders when a page of them is to be shown."""
    positions = _positions(org, day)
    pairs = positions.order_by().values("cell_id", "member_id").distinct()
    leaders = pairs.count()
    trained = pairs.filter(member_id__in=trained_member_ids(day)).count() if leaders else 0
    cell_ids = []
    if with_cells and leaders:
        cell_ids = list(
            _cells(org, day)
            .filter(pk__in=positions.values("cell_id"))
            .order_by("path")
            .values_list("pk", flat=True)
        )
    return GapSummary(day=day, leaders=leaders, trained=trained, cell_ids=cell_ids)


def cell_gaps(cell_ids: list[int], day: dt.date, positions=None) -> list[CellGaps]:
    """The people of a page of cells, trained and untrained, in the order of `cell_ids`."""
    if positions is None:
        positions = Position.objects.valid_on(day).filter(kind__in=rules.LEADER_KINDS, cell_id__in=cell_ids)
    positions = positions.select_related("member", "cell").order_by("kind", "member__sort_name")
    by_cell: dict[int, dict[int, Leader]] = defaultdict(dict)
    cells = {}
    positions = list(positions)
    done = _done_days({p.member_id for p in positions}, day)
    for p in positions:
        cells[p.cell_id] = p.cell
        leader = by_cell[p.cell_id].get(p.member_id)
        if leader is None:
            last = done.get(p.member_id)
            leader = by_cell[p.cell_id][p.member_id] = Leader(p.member, [], last, rules.counts_on(last, day))
        leader.kinds.append(p.get_kind_display())
    return [CellGaps(cells[c], list(by_cell[c].values())) for c in cell_ids if c in cells]


def leaders_of(
    org: Organisation, day: dt.date, *, trained: bool | None = None
) -> list[tuple[Member, Organisation]]:
    """(member, cell) of the subtree's leaders (only the untrained, or trained, ones when asked); one
    row per person and cell, cells in tree order."""
    positions = _positions(org, day)
    cell_ids = list(_cells(org, day).order_by("path").values_list("pk", flat=True))
    out = []
    for gaps in cell_gaps(cell_ids, day, positions):
        out += [(x.member, gaps.cell) for x in gaps.leaders if trained is None or x.trained == trained]
    return out


def untrained_leaders(org: Organisation, day: dt.date) -> list[tuple[Member, Organisation]]:
    return leaders_of(org, day, trained=False)


def upcoming_courses(courses, day: dt.date):
    """Courses one can still enrol in: not yet ended."""
    return courses.filter(ends_on__gte=day).select_related("organiser").order_by("starts_on", "title")


def courses_for_cell_of(courses, org: Organisation):
    """Courses whose organiser's subtree contains `org` (a course only takes people from below it)."""
    return courses.filter(in_ancestors_q(org, via="organiser"))
