"""Importing past meetings and their roll calls (issue 3 §8): the "meetings" and "attendances" kinds.

Plugged into the engine of importer.py (same Context, Checker helpers, Plan and all-or-nothing write);
kept in its own module because it reads the meetings layer (rule sets, roll-call rules), which the
member kinds never need. Everything is read in bulk first: the cells' memberships, the exemptions,
the rule sets and the meetings already stored on the file's days; then every row is checked against
those dicts and against the rows planned before it, and nothing is written unless every row is good.

An imported meeting is HELD, judged by the rule set in force for its cell on its date, and has one
roll-call line per member of the roster on that date (members.selectors.roster_on semantics), with
the roster facts (exempt, temporary, official) frozen, as meeting_open does for a meeting run in Chibo.
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from chibo.audit.models import Action
from chibo.audit.services import audit_bulk, snapshot
from chibo.common.dates import fmt, local_midnight
from chibo.common.text import fold
from chibo.dataio.importer import BATCH, Checker, Context, Plan, RowError, fetch_in
from chibo.meetings import rules as meeting_rules
from chibo.meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MeetingStep,
    Minutes,
    MinutesStatus,
    RuleSet,
    RuleStep,
)
from chibo.meetings.services.rulesets import pick_rule_set, rule_sets_between
from chibo.members import rules
from chibo.members.models import Membership, MembershipKind
from chibo.orgs.models import Organisation, ancestor_paths_of, is_in_subtree
from chibo.resolutions.models import Resolution, ResolutionKind, ResolutionStatus
from chibo.supervision.models import Assignment, Visit

# The body of the minutes made for a "Số biên bản" or a "Ngày thông qua biên bản": the paper book holds
# the text. Minutes approved on paper (this body, no approving account) stay open to corrections by
# import, the paper being the record; minutes approved in Chibo are locked.
PAPER_MINUTES = "Biên bản trên giấy (nhập từ sổ biên bản của chi bộ); nội dung chưa được nhập vào Chibo."
PAPER_RESOLUTION = "Văn bản trên giấy (nhập từ sổ nghị quyết của chi bộ); nội dung chưa được nhập vào Chibo."
PAPER_VISIT = "Dự sinh hoạt ghi theo sổ biên bản giấy; nhận xét chưa được nhập vào Chibo."


@dataclass
class Facts:
    """A member's place on a cell's roster on a day: the flags frozen on the roll-call line."""

    is_exempt: bool
    is_temporary: bool
    is_official: bool


@dataclass
class Entry:
    """One meeting as the import sees it: stored already, or planned by a row of this import."""

    meeting: Meeting
    cell: Organisation
    day: dt.date
    start: dt.time
    row: int = 0  # the "Buổi sinh hoạt" row that created or matched it; 0 = only in the database
    new: bool = False  # created by this import
    converted: bool = False  # a PLANNED meeting this import records as held
    locked: bool = False  # OPEN, or minutes approved: recorded in Chibo, never overwritten
    lines: dict[str, Attendance] = field(default_factory=dict)  # card -> roll-call line
    minutes: Minutes | None = None
    steps: list[MeetingStep] = field(default_factory=list)
    visits: dict[int, Visit] = field(default_factory=dict)  # supervisor's user id -> visit
    resolution: Resolution | None = None
    roll_called: bool = False  # named by a row of the "Điểm danh" sheet

    @property
    def takes_roll_call(self) -> bool:
        return self.meeting.status == MeetingStatus.HELD or self.new or self.converted


class MeetingState:
    """What the two kinds share through the Context: meetings by (cell code, kind, day), rosters."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.entries: dict[tuple, list[Entry]] = defaultdict(list)
        self._loaded_days: set[tuple[str, dt.date]] = set()
        self._temp_cells: set[str] = set()
        self._rule_sets: list | None = None
        self._rule_span: tuple[dt.date, dt.date] | None = None
        self._rosters: dict[tuple[str, dt.date], dict[str, Facts]] = {}
        self.cancelled: dict[tuple, list[Entry]] = defaultdict(list)
        self._rule_steps: dict[tuple[int, str], list[RuleStep]] = {}
        self._rule_sets_by_pk: dict[int, RuleSet] = {}
        self._steps_loaded: set[int] = set()
        self.resolution_numbers: dict[tuple, object] = {}
        self._numbers_cells: set[str] = set()
        self.assignments: list[Assignment] = []
        self._assignment_cells: set[str] = set()

    def all_entries(self):
        for entries in list(self.entries.values()):
            yield from entries

    # -- loading --------------------------------------------------------------------------------------
    def load_meetings(self, keys: set[tuple[str, dt.date]]) -> None:
        """Meetings stored for these (cell, day) pairs, with their roll calls, minutes, steps, visits and
        resolutions; cancelled ones apart."""
        keys = {k for k in keys if k not in self._loaded_days}
        self._loaded_days.update(keys)
        cells = {code for code, _ in keys if code in self.ctx.orgs and self.ctx.orgs[code].pk}
        if not cells:
            return
        days = [d for c, d in keys if c in cells]
        start = timezone.make_aware(dt.datetime.combine(min(days), dt.time()))
        end = timezone.make_aware(dt.datetime.combine(max(days) + dt.timedelta(days=1), dt.time()))
        pks = [self.ctx.orgs[c].pk for c in cells]
        found = []
        # A meeting's day is that of its start when it has one (opened on another day than planned).
        in_span = Q(started_at__gte=start, started_at__lt=end) | Q(
            started_at__isnull=True, scheduled_at__gte=start, scheduled_at__lt=end
        )
        for meeting in fetch_in(Meeting.objects.filter(in_span), "cell_id", pks):
            moment = timezone.localtime(meeting.started_at or meeting.scheduled_at)
            cell = self.ctx.org_by_pk[meeting.cell_id]
            if (cell.code, moment.date()) not in keys:
                continue
            meeting.cell = cell
            entry = Entry(
                meeting=meeting,
                cell=cell,
                day=moment.date(),
                start=moment.time().replace(second=0, microsecond=0),
                locked=meeting.status == MeetingStatus.OPEN,
            )
            if meeting.status == MeetingStatus.CANCELLED:
                # Matched only by a cancelled row; never by a roll call, a task or a held row.
                self.cancelled[cell.code, meeting.kind, entry.day].append(entry)
                continue
            self.entries[cell.code, meeting.kind, entry.day].append(entry)
            found.append(entry)
        by_pk = {e.meeting.pk: e for e in found}
        for minutes in fetch_in(Minutes.objects.all(), "meeting_id", list(by_pk)):
            entry = by_pk[minutes.meeting_id]
            entry.minutes = minutes
            approved_in_chibo = minutes.status == MinutesStatus.APPROVED and (
                minutes.approved_by_id is not None or minutes.body != PAPER_MINUTES
            )
            entry.locked = entry.locked or approved_in_chibo
        for step in fetch_in(MeetingStep.objects.select_related("rule_step"), "meeting_id", list(by_pk)):
            by_pk[step.meeting_id].steps.append(step)
        for entry in found:
            entry.steps.sort(key=lambda s: s.order)
        for visit in fetch_in(Visit.objects.all(), "meeting_id", list(by_pk)):
            by_pk[visit.meeting_id].visits[visit.supervisor_id] = visit
        for resolution in fetch_in(Resolution.objects.all(), "meeting_id", list(by_pk)):
            by_pk[resolution.meeting_id].resolution = resolution
        lines = fetch_in(Attendance.objects.select_related("member"), "meeting_id", list(by_pk))
        for line in lines:
            card = line.member.card_number
            line.member = self.ctx.members.setdefault(card, line.member)
            by_pk[line.meeting_id].lines[card] = line

    def load_rosters(self, cells: set[str]) -> None:
        """Every dated row a roster of these cells needs: the cells' official and temporary memberships,
        then all memberships (temporary activity elsewhere) and exemptions of those members."""
        ctx = self.ctx
        ctx.load_memberships(cells=cells)
        new_cells = [c for c in cells if c not in self._temp_cells]
        self._temp_cells.update(new_cells)
        pks = [ctx.orgs[c].pk for c in new_cells if c in ctx.orgs and ctx.orgs[c].pk]
        hosted = fetch_in(
            Membership.objects.filter(kind=MembershipKind.TEMPORARY).select_related("member"), "cell_id", pks
        )
        cards = {ms.member.card_number for ms in hosted}
        cards |= {ms.member.card_number for c in cells for ms in ctx.ms_by_cell.get(c, ())}
        ctx.load_members(cards)
        ctx.load_memberships(cards=cards)
        ctx.load_exemptions(cards)

    def rule_sets(self, first: dt.date, last: dt.date) -> list:
        if self._rule_span is None or first < self._rule_span[0] or last > self._rule_span[1]:
            self._rule_sets = rule_sets_between(first, last)
            self._rule_span = (first, last)
            self._rule_sets_by_pk.update({rs.pk: rs for rs in self._rule_sets})
        return self._rule_sets or []

    def load_rule_steps(self, rule_set_ids: set[int]) -> None:
        ids = [pk for pk in rule_set_ids if pk and pk not in self._steps_loaded]
        self._steps_loaded.update(ids)
        for rs in fetch_in(
            RuleSet.objects.all(), "pk", [pk for pk in ids if pk not in self._rule_sets_by_pk]
        ):
            self._rule_sets_by_pk[rs.pk] = rs
        for step in sorted(fetch_in(RuleStep.objects.all(), "rule_set_id", ids), key=lambda s: s.order):
            self._rule_steps.setdefault((step.rule_set_id, step.meeting_kind), []).append(step)

    def rule_steps(self, rule_set_id: int, kind: str) -> list[RuleStep]:
        return self._rule_steps.get((rule_set_id, kind), [])

    def rule_set_by_pk(self, pk: int) -> RuleSet | None:
        return self._rule_sets_by_pk.get(pk)

    def load_resolution_numbers(self, cells: set[str]) -> None:
        """Numbers restart every year: (cell, year, number) -> the resolution (its pk) that holds it."""
        new = [c for c in cells if c not in self._numbers_cells]
        self._numbers_cells.update(new)
        pks = [self.ctx.orgs[c].pk for c in new if c in self.ctx.orgs and self.ctx.orgs[c].pk]
        for res in fetch_in(
            Resolution.objects.exclude(number="").only("pk", "cell_id", "year", "number"), "cell_id", pks
        ):
            code = self.ctx.org_by_pk[res.cell_id].code
            self.resolution_numbers.setdefault((code, res.year, res.number), res.pk)

    def load_assignments(self, cells: set[str]) -> None:
        """Supervision assignments on these cells or any unit above them, and those this import plans."""
        from chibo.dataio.supervision_import import planned_assignments

        new = [c for c in cells if c not in self._assignment_cells and c in self.ctx.orgs]
        self._assignment_cells.update(new)
        by_path = {o.path: o for o in self.ctx.orgs.values()}
        units = {by_path[p].pk for c in new for p in ancestor_paths_of(self.ctx.orgs[c].path) if p in by_path}
        units |= {self.ctx.orgs[c].pk for c in new}
        known = {id(a) for a in self.assignments}
        planned = {a.pk: a for a in planned_assignments(self.ctx) if a.pk}
        for a in fetch_in(Assignment.objects.select_related("member", "user__member"), "unit_id", units):
            a = planned.get(a.pk, a)  # a row of this import may have changed its term
            if id(a) not in known:
                a.unit = self.ctx.org_by_pk.get(a.unit_id, a.unit)
                self.assignments.append(a)
                known.add(id(a))
        for a in planned_assignments(self.ctx):
            if id(a) not in known:
                self.assignments.append(a)
                known.add(id(a))

    def assignment_for(self, card: str, cell: Organisation, day: dt.date) -> Assignment | None:
        for a in self.assignments:
            member = a.member or getattr(a.user, "member", None)
            if (
                member is not None
                and member.card_number == card
                and a.is_active_on(day)
                and is_in_subtree(cell.path, a.unit.path)
            ):
                return a
        return None

    # -- facts ----------------------------------------------------------------------------------------
    def roster(self, cell: Organisation, day: dt.date) -> dict[str, Facts]:
        """roster_on in memory: official members of the cell not on temporary activity elsewhere that
        day, plus members on temporary activity here; each with the flags frozen on its line."""
        key = (cell.code, day)
        if key in self._rosters:
            return self._rosters[key]
        ctx = self.ctx
        official, hosted = set(), set()
        for ms in ctx.ms_by_cell.get(cell.code, ()):
            if ms.cell.code != cell.code or not rules.is_on(day, ms.valid_from, ms.valid_until):
                continue
            (official if ms.kind == MembershipKind.OFFICIAL else hosted).add(ms.member.card_number)
        roster = {}
        for card in official | hosted:
            away = card not in hosted and any(
                ms.kind == MembershipKind.TEMPORARY
                and ms.cell.code != cell.code
                and rules.is_on(day, ms.valid_from, ms.valid_until)
                for ms in ctx.ms_by_card.get(card, ())
            )
            if away:
                continue
            roster[card] = Facts(
                is_exempt=any(
                    rules.is_on(day, ex.valid_from, ex.valid_until) for ex in ctx.ex_by_card.get(card, ())
                ),
                is_temporary=card in hosted,
                is_official=ctx.members[card].is_official_on(day),
            )
        self._rosters[key] = roster
        return roster

    def find(self, cell: Organisation, kind: str, day: dt.date, start: dt.time | None) -> list[Entry]:
        candidates = self.entries.get((cell.code, kind, day), [])
        if start is None:
            return candidates
        return [e for e in candidates if e.start == start]


def _state(ctx: Context) -> MeetingState:
    if not hasattr(ctx, "meetings"):
        ctx.meetings = MeetingState(ctx)
    return ctx.meetings


def _moment(day: dt.date, at: dt.time | None) -> dt.datetime | None:
    return None if at is None else timezone.make_aware(dt.datetime.combine(day, at))


def _ancestor_paths(cell: Organisation) -> list[str]:
    # A cell created by this import has a placeholder path: its ancestors' paths decide.
    node = cell
    while node is not None and node.path.startswith("~"):
        node = node.parent
    return node.ancestor_paths() if node is not None else []


def _when(day: dt.date, start: dt.time) -> str:
    return f"{start:%H:%M} ngày {fmt(day)}"


def _future(checker: Checker, plan: Plan, number: int, day: dt.date, start: dt.time | None) -> bool:
    ctx = checker.ctx
    now = timezone.localtime()
    if day > ctx.today or (start is not None and day == now.date() and start > now.time()):
        checker._err(
            plan,
            number,
            "day",
            f"Ngày {fmt(day)} chưa tới: chỉ nhập buổi sinh hoạt đã diễn ra.",
        )
        return True
    return False


def _new_line(entry: Entry, member, facts: Facts) -> Attendance:
    line = Attendance(
        meeting=entry.meeting,
        member=member,
        is_exempt=facts.is_exempt,
        is_temporary=facts.is_temporary,
        is_official=facts.is_official,
    )
    if facts.is_exempt:
        # As at a meeting opened in Chibo: shown as exempt until a roll-call row says otherwise.
        line.status = AttendanceStatus.EXEMPT
    return line


# -- meetings ---------------------------------------------------------------------------------------

# Columns that describe what happened at a meeting: a cancelled one has none of them.
_HELD_ONLY = (
    "end",
    "chair",
    "minute_taker",
    "minutes_number",
    "materials_sent_at",
    "steps_done",
    "steps_missed",
    "minutes_approved_on",
    "resolution_kind",
    "resolution_number",
    "resolution_issued_on",
    "supervisors",
)


def plan_meetings(checker: Checker, plan: Plan, rows) -> None:
    ctx, state = checker.ctx, _state(checker.ctx)
    rows = list(rows)
    state.load_meetings({(v["cell"], v["day"]) for _, v in rows})
    state.load_rosters({v["cell"] for _, v in rows})
    ctx.load_members([v[a] for _, v in rows for a in ("chair", "minute_taker") if v[a]])
    days = [v["day"] for _, v in rows]
    candidates = state.rule_sets(min(days), max(days)) if days else []
    state.load_rule_steps({rs.pk for rs in candidates} | {e.meeting.rule_set_id for e in state.all_entries()})
    if "resolution_number" in checker._present:
        state.load_resolution_numbers({v["cell"] for _, v in rows})
    if "supervisors" in checker._present:
        state.load_assignments({v["cell"] for _, v in rows if v["supervisors"]})
    plan.meeting_lines = []  # roll-call lines of the meetings this table creates or records as held
    plan.minutes_creates, plan.minutes_updates = [], []
    plan.step_creates, plan.step_updates = [], []
    plan.resolution_creates, plan.resolution_updates = [], []
    plan.visit_creates = []
    # How many rows name each (cell, kind, day): a stored meeting is matched without its start time
    # only when one row names its day (two rows are two meetings of that day, told apart by the time).
    per_day: dict[tuple, int] = defaultdict(int)
    for _, v in rows:
        per_day[v["cell"], v["kind"], v["day"]] += 1
    seen: dict[tuple, int] = {}
    claimed: set[int] = set()
    for number, v in rows:
        day, start = v["day"], v["start"]
        cell = checker._cell(plan, number, v["cell"], day)
        if cell is None or _future(checker, plan, number, day, start):
            continue
        key = (cell.code, v["kind"], day, start)
        if key in seen:
            checker._err(
                plan,
                number,
                "start",
                f"Trùng với dòng {seen[key]} (cùng chi bộ, loại sinh hoạt, ngày và giờ bắt đầu).",
            )
            continue
        seen[key] = number
        if v["status"] == MeetingStatus.CANCELLED:
            _plan_cancelled(checker, plan, number, v, cell, candidates, per_day, claimed)
            continue
        _plan_held(checker, plan, number, v, cell, candidates, per_day, claimed)
    _note_extra_meetings(checker, plan, state, rows)


def _plan_held(
    checker: Checker, plan: Plan, number: int, v: dict, cell, candidates, per_day, claimed
) -> None:
    ctx, state = checker.ctx, _state(checker.ctx)
    day, start, end = v["day"], v["start"], v["end"]
    if end is not None and end <= start:
        checker._err(plan, number, "end", "Giờ kết thúc phải sau giờ bắt đầu.")
        return
    if v["cancel_reason"]:
        checker._err(
            plan, number, "cancel_reason", "Chỉ ghi lý do hủy cho buổi sinh hoạt có trạng thái «Đã hủy»."
        )
        return
    sent = _aware(v["materials_sent_at"])
    if sent is not None and sent > timezone.now():
        checker._err(plan, number, "materials_sent_at", f"Thời điểm {_local(sent)} chưa tới.")
        return
    if sent is not None and sent > (_moment(day, end) or _moment(day, start)):
        checker._err(
            plan,
            number,
            "materials_sent_at",
            f"Tài liệu gửi lúc {_local(sent)}, sau khi buổi sinh hoạt kết thúc: hãy kiểm tra lại ngày giờ.",
        )
        return
    roster = state.roster(cell, day)
    entry = _match(state, cell, v["kind"], day, start, per_day, claimed)
    # A stored roll call is the legal record: its lines count even if memberships changed since.
    recorded = entry.lines if entry is not None and entry.meeting.status != MeetingStatus.PLANNED else {}
    officers = {}
    bad = False
    for attr, label in (("chair", "Chủ trì"), ("minute_taker", "Thư ký")):
        card = v[attr]
        if not card:
            officers[attr] = None
            continue
        member = ctx.members.get(card)
        if member is None:
            checker._err(plan, number, attr, f"Không tìm thấy đảng viên có số thẻ «{card}».")
            bad = True
        elif card not in roster and card not in recorded:
            checker._err(
                plan,
                number,
                attr,
                f"{label}: đảng viên {member.full_name} (số thẻ {card}) không có tên trong danh sách "
                f"sinh hoạt của {cell.name} ngày {fmt(day)}.",
            )
            bad = True
        officers[attr] = member
    if bad:
        return
    values = {
        "status": MeetingStatus.HELD,
        "scheduled_at": _moment(day, start),
        "started_at": _moment(day, start),
        "ended_at": _moment(day, end),
        "place": v["place"] or "",
        "topic": v["topic"] or "",
        "chair": officers["chair"],
        "minute_taker": officers["minute_taker"],
        "extra_reason": v["extra_reason"] or "",
        "materials_published_at": sent,
        "cancel_reason": "",
    }
    if entry is None or entry.meeting.status == MeetingStatus.PLANNED:
        rule_set = pick_rule_set(candidates, paths=_ancestor_paths(cell), day=day)
        if rule_set is None:
            checker._err(
                plan, number, "day", f"Chưa có bộ quy định sinh hoạt nào áp dụng cho ngày {fmt(day)}."
            )
            return
        values["rule_set"] = rule_set
    target = entry
    if target is None:
        meeting = Meeting(cell=cell, kind=v["kind"], **values)
        target = Entry(meeting=meeting, cell=cell, day=day, start=start, row=number, new=True)
    rule_set_id = values["rule_set"].pk if "rule_set" in values else target.meeting.rule_set_id
    actions: list[Callable[[], None]] = []
    for sub in (_steps_actions, _minutes_actions, _resolution_actions, _visit_actions):
        found = sub(checker, plan, number, target, v, values, rule_set_id)
        if found is None:
            bad = True
        else:
            actions += found
    if bad:
        return
    if entry is not None and entry.locked:
        # Recorded in Chibo: a row that changes nothing passes (re-importing a file is harmless).
        if (
            entry.meeting.status == MeetingStatus.OPEN
            or actions
            or _changed_fields(checker, entry.meeting, values)
        ):
            checker._err(plan, number, "day", _locked_message(entry))
        else:
            claimed.add(entry.meeting.pk)
            entry.row = number
            plan.unchanged += 1
        return
    if entry is None:
        entry = target
        state.entries[cell.code, v["kind"], day].append(entry)
        plan.creates.append(entry.meeting)
    else:
        claimed.add(entry.meeting.pk)
        entry.row = number
        entry.converted = entry.meeting.status == MeetingStatus.PLANNED
        entry.start = start
        plan_update(checker, plan, entry, values)
    if entry.new or entry.converted:
        for card, facts in roster.items():
            if card in entry.lines:
                continue
            line = _new_line(entry, ctx.members[card], facts)
            line._with_meeting = True  # written and logged with the meeting
            entry.lines[card] = line
            plan.meeting_lines.append(line)
    for member in officers.values():
        # The chair and the minute-taker were evidently there.
        line = entry.lines.get(member.card_number) if member is not None else None
        if line is not None and line.pk is None and line.status in ("", AttendanceStatus.EXEMPT):
            line.status = AttendanceStatus.PRESENT
    for action in actions:
        action()
    if actions:
        _touch(plan, entry)
    _note_indicators(checker, plan, number, entry)


def _plan_cancelled(
    checker: Checker, plan: Plan, number: int, v: dict, cell, candidates, per_day, claimed
) -> None:
    """A meeting that did not take place: its reason, no roll call; it counts nowhere (DOMAIN §8)."""
    state = _state(checker.ctx)
    day, start = v["day"], v["start"]
    if not v["cancel_reason"]:
        checker._err(plan, number, "cancel_reason", "Buổi sinh hoạt đã hủy: hãy ghi lý do hủy.")
        return
    given = [attr for attr in _HELD_ONLY if v[attr]]
    if given:
        for attr in given:
            checker._err(
                plan,
                number,
                attr,
                f"Buổi sinh hoạt đã hủy không có «{checker._headers[attr]}»: hãy để trống ô này.",
            )
        return
    values = {
        "status": MeetingStatus.CANCELLED,
        "scheduled_at": _moment(day, start),
        "place": v["place"] or "",
        "topic": v["topic"] or "",
        "cancel_reason": v["cancel_reason"],
        "extra_reason": v["extra_reason"] or "",
    }
    done = next((e for e in state.cancelled.get((cell.code, v["kind"], day), []) if e.start == start), None)
    if done is not None:
        done.row = number
        plan_update(checker, plan, done, values)
        return
    entry = _match(state, cell, v["kind"], day, start, per_day, claimed)
    if entry is not None and entry.meeting.status != MeetingStatus.PLANNED:
        checker._err(
            plan,
            number,
            "status",
            f"Buổi {entry.meeting.get_kind_display().lower()} lúc {_when(entry.day, entry.start)} đã được ghi "
            f"là «{entry.meeting.get_status_display()}»: không ghi thành đã hủy bằng dữ liệu nhập.",
        )
        return
    if entry is not None:
        # A planned meeting that did not take place: cancelled, and no longer matched by other sheets.
        claimed.add(entry.meeting.pk)
        state.entries[cell.code, v["kind"], day].remove(entry)
        state.cancelled[cell.code, v["kind"], day].append(entry)
        entry.row, entry.start = number, start
        plan_update(checker, plan, entry, values)
        return
    rule_set = pick_rule_set(candidates, paths=_ancestor_paths(cell), day=day)
    if rule_set is None:
        checker._err(plan, number, "day", f"Chưa có bộ quy định sinh hoạt nào áp dụng cho ngày {fmt(day)}.")
        return
    meeting = Meeting(cell=cell, kind=v["kind"], rule_set=rule_set, **values)
    entry = Entry(meeting=meeting, cell=cell, day=day, start=start, row=number, new=True)
    state.cancelled[cell.code, v["kind"], day].append(entry)
    plan.creates.append(meeting)


def _touch(plan: Plan, entry: Entry) -> None:
    """The row changed what hangs on the meeting (minutes, steps, ...): count the meeting as updated."""
    if entry.new or any(obj is entry.meeting for obj, _ in plan.updates):
        return
    plan.unchanged -= 1
    plan.updates.append((entry.meeting, snapshot(entry.meeting)))


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else timezone.make_aware(moment)


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M} ngày {timezone.localtime(moment):%d/%m/%Y}"


def _approved_moment(day: dt.date, values: dict) -> dt.datetime:
    """Only the day is known: the meeting's end on the meeting's day, else the start of that day."""
    held_on = timezone.localtime(values["started_at"]).date()
    if day == held_on:
        return values["ended_at"] or values["started_at"]
    return local_midnight(day)


def _day_problem(checker: Checker, plan: Plan, number: int, attr: str, value, day: dt.date) -> bool:
    if value is not None and value < day:
        checker._err(plan, number, attr, f"Không được trước ngày họp {fmt(day)}.")
        return True
    if value is not None and value > checker.ctx.today:
        checker._err(plan, number, attr, f"Ngày {fmt(value)} chưa tới.")
        return True
    return False


# -- procedure steps (T3) -----------------------------------------------------------------------------

ALL_STEPS = "tat ca"


def _tokens(text: str | None) -> list[str]:
    # Titles hold commas ("Thảo luận, tự phê bình và phê bình"): steps are separated by ";" or lines.
    return [t.strip() for t in re.split(r"[;\n]", text or "") if t.strip()]


def _steps_actions(checker, plan, number, entry: Entry, v, values, rule_set_id) -> list | None:
    if "steps_done" not in checker._present and "steps_missed" not in checker._present:
        return []
    done_tokens, missed_tokens = _tokens(v["steps_done"]), _tokens(v["steps_missed"])
    if not done_tokens and not missed_tokens:
        return []  # nothing said: steps recorded in Chibo stay; none recorded is noted (T3)
    state = _state(checker.ctx)
    kind = entry.meeting.kind
    stored = entry.steps
    if stored:
        universe = [(s, s.rule_step.code if s.rule_step_id and s.rule_step else "", s.title) for s in stored]
    else:
        universe = [(rs, rs.code, rs.title) for rs in state.rule_steps(rule_set_id, kind)]
    if not universe:
        checker._err(
            plan,
            number,
            "steps_done",
            "Bộ quy định của buổi sinh hoạt này không có bước nào cho "
            f"{entry.meeting.get_kind_display().lower()}: hãy để trống hai cột các bước.",
        )
        return None
    by_key: dict[str, object] = {}
    for obj, code, title in universe:
        by_key.setdefault(fold(title), obj)
        if code:
            by_key[fold(code)] = obj

    def resolve(tokens: list[str], attr: str, allow_all: bool):
        found, everything, i = [], False, 0
        while i < len(tokens):
            token = tokens[i]
            if fold(token) == ALL_STEPS and allow_all:
                everything = True
                i += 1
                continue
            # Some titles hold a ";" themselves (HD 12's `report`, both `purpose`): the longest run of
            # pieces that names a step.
            obj, j = None, len(tokens)
            while j > i and obj is None:
                obj = by_key.get(fold("; ".join(tokens[i:j])))
                j -= 1
            i = j + 1
            if obj is None:
                codes = ", ".join(code or title for _, code, title in universe)
                checker._err(
                    plan,
                    number,
                    attr,
                    f"Không có bước «{token}» trong bộ quy định của buổi sinh hoạt này "
                    f"({entry.meeting.get_kind_display().lower()}); các bước: {codes}.",
                )
                return None, False
            found.append(obj)
        return found, everything

    done, everything = resolve(done_tokens, "steps_done", True)
    missed, _ = resolve(missed_tokens, "steps_missed", False)
    if done is None or missed is None:
        return None
    both = [obj for obj in missed if obj in done]
    if both:
        checker._err(
            plan,
            number,
            "steps_missed",
            f"Bước «{both[0].title}» vừa ở cột «{checker._headers['steps_done']}» vừa ở cột này.",
        )
        return None
    # "tất cả", or only the missed ones named: every other step was done. A list: only those.
    all_but_missed = everything or not done_tokens
    flags = {id(obj): (obj not in missed) if all_but_missed else (obj in done) for obj, _, _ in universe}
    if stored:
        changes = [(s, flags[id(s)]) for s in stored if s.done != flags[id(s)]]

        def update():
            for step, flag in changes:
                before = snapshot(step)
                step.done = flag
                plan.step_updates.append((step, before))

        return [update] if changes else []

    def create():
        entry.steps = [
            MeetingStep(
                meeting=entry.meeting,
                rule_step=rs,
                order=i,
                title=rs.title,
                mandatory=rs.mandatory,
                done=flags[id(rs)],
            )
            for i, (rs, _, _) in enumerate(universe, start=1)
        ]
        plan.step_creates.extend(entry.steps)

    return [create]


# -- minutes and the resolution -------------------------------------------------------------------------


def _minutes_actions(checker, plan, number, entry: Entry, v, values, rule_set_id) -> list | None:
    present = checker._present
    approved_on = v["minutes_approved_on"]
    if _day_problem(checker, plan, number, "minutes_approved_on", approved_on, entry.day):
        return None
    minutes = entry.minutes
    number_now = minutes.number if minutes else ""
    approved_now = (
        timezone.localtime(minutes.approved_at).date()
        if minutes is not None and minutes.status == MinutesStatus.APPROVED and minutes.approved_at
        else None
    )
    want_number = (v["minutes_number"] or "") if "minutes_number" in present else number_now
    want_approved = approved_on if "minutes_approved_on" in present else approved_now
    if (want_number, want_approved) == (number_now, approved_now):
        return []
    if minutes is None:

        def create():
            entry.minutes = Minutes(meeting=entry.meeting, number=want_number, body=PAPER_MINUTES)
            _set_approval(entry.minutes, want_approved, values)
            plan.minutes_creates.append(entry.minutes)

        return [create]

    def update():
        before = snapshot(minutes)
        minutes.number = want_number
        if want_approved != approved_now:
            _set_approval(minutes, want_approved, values)
        plan.minutes_updates.append((minutes, before))

    return [update]


def _set_approval(minutes: Minutes, day: dt.date | None, values: dict) -> None:
    if day is None:
        minutes.status, minutes.approved_at = MinutesStatus.DRAFT, None
    else:
        minutes.status, minutes.approved_at = MinutesStatus.APPROVED, _approved_moment(day, values)


def _resolution_actions(checker, plan, number, entry: Entry, v, values, rule_set_id) -> list | None:
    present = checker._present
    if not {"resolution_number", "resolution_issued_on", "resolution_kind"} & present:
        return []
    res_number, issued_on, kind = (
        v["resolution_number"] or "",
        v["resolution_issued_on"],
        v["resolution_kind"],
    )
    if not (res_number or issued_on or kind):
        return []  # a resolution recorded in Chibo is never removed by an empty cell
    if _day_problem(checker, plan, number, "resolution_issued_on", issued_on, entry.day):
        return None
    existing = entry.resolution
    default_kind = (
        ResolutionKind.CONCLUSION if entry.meeting.kind == MeetingKind.THEMATIC else ResolutionKind.RESOLUTION
    )
    want = {
        "kind": kind or (existing.kind if existing else default_kind),
        "number": res_number,
        "issued_on": issued_on or entry.day,
    }
    if res_number:
        state = _state(checker.ctx)
        owner = state.resolution_numbers.get((entry.cell.code, want["issued_on"].year, res_number))
        mine = existing.pk if existing is not None else id(entry)
        if owner is not None and owner != mine:
            checker._err(
                plan,
                number,
                "resolution_number",
                f"Số «{res_number}» đã dùng cho một nghị quyết, kết luận khác của {entry.cell.name} năm "
                f"{want['issued_on'].year}.",
            )
            return None
        state.resolution_numbers[entry.cell.code, want["issued_on"].year, res_number] = mine
    if existing is not None:
        if all(getattr(existing, name) == value for name, value in want.items()):
            return []
        if existing.status == ResolutionStatus.APPROVED and existing.preamble != PAPER_RESOLUTION:
            checker._err(
                plan,
                number,
                "resolution_number",
                "Nghị quyết, kết luận của buổi này đã được thông qua trong Chibo: không sửa bằng dữ liệu nhập.",
            )
            return None

        def update():
            before = snapshot(existing)
            for name, value in want.items():
                setattr(existing, name, value)
            existing.year = existing.issued_on.year
            plan.resolution_updates.append((existing, before))

        return [update]

    def create():
        entry.resolution = Resolution(
            meeting=entry.meeting,
            cell=entry.cell,
            year=want["issued_on"].year,
            preamble=PAPER_RESOLUTION,
            status=ResolutionStatus.APPROVED,
            approved_at=_approved_moment(want["issued_on"], values),
            **want,
        )
        plan.resolution_creates.append(entry.resolution)

    return [create]


# -- the upper-level supervisor who attended (supervision_rate) -------------------------------------------


def _visit_actions(checker, plan, number, entry: Entry, v, values, rule_set_id) -> list | None:
    cards = [c.strip() for c in re.split(r"[;,\n]", v["supervisors"] or "") if c.strip()]
    if not cards:
        return []  # visits recorded in Chibo carry observations: an empty cell never removes them
    state = _state(checker.ctx)
    found = []
    for card in dict.fromkeys(cards):
        assignment = state.assignment_for(card, entry.cell, entry.day)
        if assignment is None:
            # Nothing about the person is told: only that no such assignment covers this cell.
            checker._err(
                plan,
                number,
                "supervisors",
                f"Không có cấp ủy viên nào có số thẻ «{card}» được phân công theo dõi {entry.cell.name} vào "
                f"ngày {fmt(entry.day)}: hãy nhập phân công theo dõi (loại «supervision») trước.",
            )
            return None
        found.append(assignment)
    new = [a for a in found if a.user_id not in entry.visits]
    if not new:
        return []

    def create():
        for a in new:
            visit = Visit(
                meeting=entry.meeting,
                cell=entry.cell,
                assignment=a,
                supervisor_id=a.user_id,
                visited_on=entry.day,
                went_well=PAPER_VISIT,
            )
            entry.visits[a.user_id] = visit
            plan.visit_creates.append(visit)

    return [create]


# -- what the indicators will read as not met --------------------------------------------------------


def _note_indicators(checker: Checker, plan: Plan, number: int, entry: Entry) -> None:
    """Say, for the dry run, which indicators this held meeting will count as not met (DOMAIN §8)."""
    meeting = entry.meeting
    regular = meeting.kind == MeetingKind.REGULAR
    if regular:
        sent = meeting.materials_published_at
        if sent is None:
            checker._note(
                plan,
                number,
                "materials_sent_at",
                "Không có giờ gửi tài liệu: buổi sinh hoạt thường kỳ này sẽ tính là chưa đạt T2 (tài liệu đến "
                "đảng viên trước ít nhất 24 giờ).",
            )
        elif not meeting_rules.materials_on_time(published_at=sent, starts_at=meeting.started_at):
            checker._note(
                plan,
                number,
                "materials_sent_at",
                f"Tài liệu gửi lúc {_local(sent)}, chưa đủ 24 giờ trước giờ họp: buổi sinh hoạt này sẽ tính "
                "là chưa đạt T2.",
            )
        if not entry.steps:
            checker._note(
                plan,
                number,
                "steps_done",
                "Không ghi các bước đã thực hiện: buổi sinh hoạt thường kỳ này sẽ tính là chưa đạt T3 (đúng "
                "quy trình).",
            )
        else:
            missing = [s.title for s in entry.steps if s.mandatory and not s.done]
            if missing:
                checker._note(
                    plan,
                    number,
                    "steps_missed",
                    "Bước bắt buộc chưa thực hiện: "
                    + "; ".join(f"«{t}»" for t in missing)
                    + ": buổi sinh hoạt này sẽ tính là chưa đạt T3.",
                )
    minutes = entry.minutes
    days_after = _days_after(checker, meeting)
    approved = (
        timezone.localtime(minutes.approved_at).date()
        if minutes is not None and minutes.status == MinutesStatus.APPROVED and minutes.approved_at
        else None
    )
    if approved is None:
        checker._note(
            plan,
            number,
            "minutes_approved_on",
            f"Không có ngày thông qua biên bản: buổi sinh hoạt này sẽ tính là biên bản chưa hoàn thành đúng "
            f"hạn ({days_after} ngày).",
        )
    elif not meeting_rules.minutes_on_time(
        approved_on=approved, meeting_day=entry.day, days_after=days_after, today=dt.date.max
    ):
        deadline = meeting_rules.minutes_deadline(entry.day, days_after)
        checker._note(
            plan,
            number,
            "minutes_approved_on",
            f"Biên bản thông qua ngày {fmt(approved)}, sau hạn {fmt(deadline)}: buổi sinh hoạt này sẽ tính là "
            "biên bản chưa hoàn thành đúng hạn.",
        )
    if "supervisors" in checker._present and not entry.visits:
        checker._note(
            plan,
            number,
            "supervisors",
            "Không có cấp ủy viên phụ trách dự: buổi này không được tính cho tỷ lệ chi bộ có cấp ủy viên "
            "phụ trách dự sinh hoạt trong quý (supervision_rate).",
        )


def _days_after(checker: Checker, meeting: Meeting) -> int:
    rule_set = meeting._state.fields_cache.get("rule_set")
    if rule_set is None:
        rule_set = _state(checker.ctx).rule_set_by_pk(meeting.rule_set_id)
    return rule_set.minutes_days_after if rule_set is not None else 2


def _note_extra_meetings(checker: Checker, plan: Plan, state: "MeetingState", rows) -> None:
    """A second regular meeting in a month should say why (DOMAIN §4): noted, not refused, since the
    paper book is copied as it is."""
    months: dict[tuple, list[Entry]] = defaultdict(list)
    for entry in state.all_entries():
        meeting = entry.meeting
        if meeting.kind == MeetingKind.REGULAR and meeting.status == MeetingStatus.HELD:
            months[entry.cell.code, entry.day.year, entry.day.month].append(entry)
    for (_code, year, month), entries in months.items():
        if len(entries) < 2:
            continue
        entries.sort(key=lambda e: (e.day, e.start))
        first = entries[0]
        for entry in entries[1:]:
            if entry.row and not entry.meeting.extra_reason:
                checker._note(
                    plan,
                    entry.row,
                    "extra_reason",
                    f"{entry.cell.name} đã có buổi sinh hoạt thường kỳ ngày {fmt(first.day)} trong tháng "
                    f"{month:02d}/{year}: hãy ghi lý do họp thêm.",
                )


def finish(ctx: Context, plans: list[Plan]) -> None:
    """After every sheet: meetings recorded as held whose roll call nobody has filled in yet."""
    if not hasattr(ctx, "meetings"):
        return
    plan = next((p for p in plans if p.kind == "meetings"), None)
    if plan is None:
        return
    for entry in ctx.meetings.all_entries():
        if not entry.row or entry.roll_called or not (entry.new or entry.converted):
            continue
        if entry.meeting.status != MeetingStatus.HELD:
            continue
        unmarked = [line for line in entry.lines.values() if not line.status]
        if unmarked:
            plan.notes.append(
                RowError(
                    entry.row,
                    "",
                    f"Chưa có điểm danh của {len(unmarked)}/{len(entry.lines)} đảng viên: hãy nhập trang «Điểm "
                    "danh» (mỗi đảng viên trong danh sách một dòng); đến khi đó T4 tính họ là vắng.",
                    plan.sheet,
                )
            )


def _match(state: MeetingState, cell, kind, day, start, per_day, claimed) -> Entry | None:
    stored = [e for e in state.find(cell, kind, day, None) if not e.new and e.meeting.pk not in claimed]
    exact = [e for e in stored if e.start == start]
    if exact:
        return exact[0]
    if len(stored) == 1 and per_day[cell.code, kind, day] == 1:
        return stored[0]
    return None


def _locked_message(entry: Entry) -> str:
    what = f"{entry.meeting.get_kind_display().lower()} lúc {_when(entry.day, entry.start)}"
    if entry.meeting.status == MeetingStatus.OPEN:
        return f"Buổi {what} đang họp trong Chibo: không ghi đè bằng dữ liệu nhập."
    return f"Buổi {what} đã có biên bản được thông qua trong Chibo: không ghi đè bằng dữ liệu nhập."


_MEETING_COLUMNS = {
    "scheduled_at": "start",
    "started_at": "start",
    "ended_at": "end",
    "place": "place",
    "topic": "topic",
    "chair": "chair",
    "minute_taker": "minute_taker",
    "extra_reason": "extra_reason",
    "materials_published_at": "materials_sent_at",
    "cancel_reason": "cancel_reason",
}


def _changed_fields(checker: Checker, meeting: Meeting, values: dict) -> list[str]:
    """The fields the row would change; a column left out of the file leaves its field alone."""
    changed = []
    for name, value in values.items():
        column = _MEETING_COLUMNS.get(name)
        if column is not None and column not in checker._present:
            continue
        if name in ("chair", "minute_taker", "rule_set"):
            differs = getattr(meeting, name + "_id") != (value.pk if value is not None else None)
        else:
            differs = getattr(meeting, name) != value
        if differs:
            changed.append(name)
    return changed


def plan_update(checker: Checker, plan: Plan, entry: Entry, values: dict) -> None:
    """Apply the row to a stored meeting."""
    meeting, before = entry.meeting, None
    for name in _changed_fields(checker, meeting, values):
        if before is None:
            before = snapshot(meeting)
        setattr(meeting, name, values[name])
    checker._record(plan, meeting, before)


# -- roll calls -------------------------------------------------------------------------------------


_LINE_FIELDS = [
    "status",
    "reason",
    "accepted_by",
    "arrived_late_at",
    "left_early_at",
    "spoke",
    "checked_in_at",
]
_RULE_COLUMNS = {"status": "status", "reason": "reason", "arrived_late_at": "arrived_late_at"}


def plan_attendances(checker: Checker, plan: Plan, rows) -> None:
    ctx, state = checker.ctx, _state(checker.ctx)
    rows = list(rows)
    state.load_meetings({(v["cell"], v["day"]) for _, v in rows})
    state.load_rosters({v["cell"] for _, v in rows})
    ctx.load_members(v["card"] for _, v in rows)
    seen: dict[tuple, int] = {}
    named: dict[int, tuple[Entry, int, set[str]]] = {}  # meeting -> (entry, first row, cards named)
    for number, v in rows:
        day, start, card, status = v["day"], v["start"], v["card"], v["status"]
        cell = checker._cell(plan, number, v["cell"], day)
        if cell is None or _future(checker, plan, number, day, start):
            continue
        member = checker._member(plan, number, card, scoped=False)  # the cell decides the scope
        if member is None:
            continue
        entry = _meeting_of(checker, plan, number, state, cell, v)
        if entry is None:
            continue
        entry.roll_called = True
        named.setdefault(id(entry), (entry, number, set()))[2].add(card)
        key = (id(entry), card)
        if key in seen:
            checker._err(
                plan, number, "card", f"Trùng với dòng {seen[key]} (cùng buổi sinh hoạt, cùng đảng viên)."
            )
            continue
        seen[key] = number
        line = entry.lines.get(card)
        facts = None
        if line is None:
            facts = state.roster(cell, day).get(card)
            if facts is None:
                checker._err(
                    plan,
                    number,
                    "card",
                    f"Đảng viên {member.full_name} (số thẻ {card}) không có tên trong danh sách sinh hoạt "
                    f"của {cell.name} ngày {fmt(day)}.",
                )
                continue
        meeting = entry.meeting
        reason, accepted_by = v["reason"] or "", v["accepted_by"] or ""
        if status != AttendanceStatus.EXCUSED and (reason or accepted_by):
            attr = "reason" if reason else "accepted_by"
            checker._err(
                plan, number, attr, "Chỉ ghi lý do và người chấp nhận lý do cho đảng viên vắng có lý do."
            )
            continue
        late, early = _moment(day, v["arrived_late_at"]), _moment(day, v["left_early_at"])
        problem = meeting_rules.attendance_problem(
            status=status,
            reason=reason,
            is_exempt=line.is_exempt if line is not None else facts.is_exempt,
            arrived_late_at=late,
            left_early_at=early,
            started_at=meeting.started_at,
            ended_at=meeting.ended_at,
        )
        if problem is not None:
            field_name, message = problem
            checker._err(plan, number, _RULE_COLUMNS.get(field_name, field_name), message.split(": ", 1)[-1])
            continue
        officer = _officer(meeting, member)
        if officer and status != AttendanceStatus.PRESENT:
            checker._err(
                plan,
                number,
                "status",
                f"Đảng viên {member.full_name} là {officer} buổi sinh hoạt nên phải có mặt.",
            )
            continue
        if entry.locked:
            # Recorded in Chibo: only a line that changes nothing passes.
            if line is None or _line_changes(line, status, reason, accepted_by, late, early, checker):
                checker._err(plan, number, "day", _locked_message(entry))
                continue
        if line is None:
            line = _new_line(entry, member, facts)
            entry.lines[card] = line
            plan.creates.append(line)
            _apply(line, status, reason, accepted_by, late, early, checker)
        elif line.pk is None:
            # A roster line of a meeting planned by the "Buổi sinh hoạt" sheet: written with it.
            _apply(line, status, reason, accepted_by, late, early, checker)
            plan.creates.append(line)
        else:
            before = snapshot(line)
            changed = _apply(line, status, reason, accepted_by, late, early, checker)
            checker._record(plan, line, before if changed else None)
    for entry, first_row, cards in named.values():
        if not entry.locked:  # a locked roll call is refused above, whatever it holds
            _check_complete(checker, plan, entry, first_row, cards)


# Names listed in a "roll call incomplete" message before "and N others".
NAMES_SHOWN = 20


def _check_complete(checker: Checker, plan: Plan, entry: Entry, row: int, cards: set[str]) -> None:
    """A held meeting's roll call has a line for every member on that day's roster (DOMAIN §5): a file
    that lists only the absentees would count everyone else as required and absent (T4). The lines are
    the roster frozen for the meeting (MeetingState.roster, the rule of members.selectors.roster_on);
    a line marked before (in Chibo, or by the meetings sheet: exempt, chair, minute-taker) counts."""
    missing = [line.member for card, line in entry.lines.items() if not line.status and card not in cards]
    if not missing:
        return
    missing.sort(key=lambda m: (m.sort_name or m.full_name, m.card_number))
    names = ", ".join(f"{m.full_name} (số thẻ {m.card_number})" for m in missing[:NAMES_SHOWN])
    if len(missing) > NAMES_SHOWN:
        names += f" và {len(missing) - NAMES_SHOWN} đảng viên khác"
    label = entry.meeting.get_kind_display().lower()
    checker._err(
        plan,
        row,
        "card",
        f"Điểm danh buổi {label} lúc {_when(entry.day, entry.start)} của {entry.cell.name} chưa đủ: "
        f"{len(missing)} đảng viên trong danh sách sinh hoạt ngày đó chưa có dòng nào: {names}. Mỗi đảng "
        "viên trong danh sách phải có một dòng (có mặt, vắng có lý do, vắng không lý do hoặc miễn sinh hoạt).",
    )


def _meeting_of(checker: Checker, plan: Plan, number: int, state: MeetingState, cell, v) -> Entry | None:
    day, start, kind = v["day"], v["start"], v["kind"]
    entries = state.find(cell, kind, day, start)
    label = dict(Meeting._meta.get_field("kind").choices)[kind].lower()
    if not entries:
        when = _when(day, start) if start else f"ngày {fmt(day)}"
        checker._err(
            plan,
            number,
            "day",
            f"Không có buổi {label} của {cell.name} lúc {when} (trong cơ sở dữ liệu hoặc ở trang «Buổi sinh hoạt» "
            "trước đó).",
        )
        return None
    if len(entries) > 1:
        checker._err(
            plan,
            number,
            "start",
            f"{cell.name} có {len(entries)} buổi {label} ngày {fmt(day)}: hãy ghi giờ bắt đầu để chọn một buổi.",
        )
        return None
    entry = entries[0]
    if not entry.takes_roll_call:
        checker._err(
            plan,
            number,
            "day",
            f"Buổi {label} ngày {fmt(day)} còn ở trạng thái «{entry.meeting.get_status_display()}»: hãy nhập "
            "buổi sinh hoạt đó ở trang «Buổi sinh hoạt» trước.",
        )
        return None
    return entry


def _is_officer(meeting: Meeting, name: str, member) -> bool:
    # Read the planned object if the row set one, else compare ids: never a query per row.
    cached = meeting._state.fields_cache.get(name)
    if cached is not None:
        return cached.card_number == member.card_number
    return member.pk is not None and getattr(meeting, name + "_id") == member.pk


def _officer(meeting: Meeting, member) -> str:
    if _is_officer(meeting, "chair", member):
        return "người chủ trì"
    if _is_officer(meeting, "minute_taker", member):
        return "thư ký"
    return ""


def _wanted(line, status, reason, accepted_by, late, early, checker) -> dict:
    values = {"status": status, "reason": reason, "accepted_by": accepted_by}
    for name, value in (("arrived_late_at", late), ("left_early_at", early)):
        values[name] = value if name in checker._present else getattr(line, name)
    if status != AttendanceStatus.PRESENT:
        values.update(spoke=False, checked_in_at=None)
    return values


def _line_changes(line, status, reason, accepted_by, late, early, checker) -> bool:
    wanted = _wanted(line, status, reason, accepted_by, late, early, checker)
    return any(getattr(line, name) != value for name, value in wanted.items())


def _apply(line, status, reason, accepted_by, late, early, checker) -> bool:
    changed = False
    for name, value in _wanted(line, status, reason, accepted_by, late, early, checker).items():
        if getattr(line, name) != value:
            setattr(line, name, value)
            changed = True
    return changed


# -- writing ----------------------------------------------------------------------------------------

MEETING_FIELDS = [
    "status",
    "scheduled_at",
    "started_at",
    "ended_at",
    "place",
    "topic",
    "chair",
    "minute_taker",
    "rule_set",
    "extra_reason",
    "cancel_reason",
    "materials_published_at",
]


def write_plan(plan: Plan, ctx: Context, *, audit_rows: bool) -> None:
    """Write one planned table (inside write_plans' transaction): bulk inserts and updates only."""
    entries: list[tuple] = []
    if plan.kind == "meetings":
        Meeting.objects.bulk_create(plan.creates, batch_size=BATCH)
        if plan.updates:
            Meeting.objects.bulk_update([m for m, _ in plan.updates], MEETING_FIELDS, batch_size=BATCH)
        # Roll-call lines of new meetings, with what the "Điểm danh" sheet planned for them.
        Attendance.objects.bulk_create(plan.meeting_lines, batch_size=BATCH)
        Minutes.objects.bulk_create(plan.minutes_creates, batch_size=BATCH)
        if plan.minutes_updates:
            Minutes.objects.bulk_update(
                [m for m, _ in plan.minutes_updates], ["number", "status", "approved_at"], batch_size=BATCH
            )
        MeetingStep.objects.bulk_create(plan.step_creates, batch_size=BATCH)
        if plan.step_updates:
            MeetingStep.objects.bulk_update([s for s, _ in plan.step_updates], ["done"], batch_size=BATCH)
        Resolution.objects.bulk_create(plan.resolution_creates, batch_size=BATCH)
        if plan.resolution_updates:
            Resolution.objects.bulk_update(
                [r for r, _ in plan.resolution_updates],
                ["kind", "number", "issued_on", "year"],
                batch_size=BATCH,
            )
        Visit.objects.bulk_create(plan.visit_creates, batch_size=BATCH)
        entries += [(Action.CREATE, m, m.cell.path, None) for m in plan.creates]
        entries += [(Action.UPDATE, m, m.cell.path, before) for m, before in plan.updates]
        entries += [(Action.CREATE, a, a.meeting.cell.path, None) for a in plan.meeting_lines]
        entries += [(Action.CREATE, m, m.meeting.cell.path, None) for m in plan.minutes_creates]
        entries += [(Action.UPDATE, m, m.meeting.cell.path, before) for m, before in plan.minutes_updates]
        entries += [(Action.CREATE, s, s.meeting.cell.path, None) for s in plan.step_creates]
        entries += [(Action.UPDATE, s, s.meeting.cell.path, before) for s, before in plan.step_updates]
        entries += [(Action.CREATE, r, r.cell.path, None) for r in plan.resolution_creates]
        entries += [(Action.UPDATE, r, r.cell.path, before) for r, before in plan.resolution_updates]
        entries += [(Action.CREATE, v, v.cell.path, None) for v in plan.visit_creates]
    else:
        Attendance.objects.bulk_create([a for a in plan.creates if a.pk is None], batch_size=BATCH)
        if plan.updates:
            Attendance.objects.bulk_update([a for a, _ in plan.updates], _LINE_FIELDS, batch_size=BATCH)
        entries += [
            (Action.CREATE, a, a.meeting.cell.path, None)
            for a in plan.creates
            if not getattr(a, "_with_meeting", False)
        ]
        entries += [(Action.UPDATE, a, a.meeting.cell.path, before) for a, before in plan.updates]
    if audit_rows and entries:
        audit_bulk(entries, user=ctx.user)


# -- export -----------------------------------------------------------------------------------------


def _step_columns(steps) -> tuple[str, str]:
    """("tất cả", the steps not done) or ("", "") without step records: re-imported, the same flags."""
    if not steps:
        return "", ""
    missed = [s.rule_step.code if s.rule_step_id and s.rule_step else s.title for s in steps if not s.done]
    return "tất cả", "; ".join(missed)


def export_rows(kind: str, org: Organisation | None):
    """Held (and, for the meetings kind, cancelled) meetings and their marked roll-call lines, in the
    import format (the inverse of the above)."""
    meetings = Meeting.objects.filter(status=MeetingStatus.HELD)
    if org is not None:
        meetings = meetings.filter(cell__in=Organisation.objects.subtree_of(org).values("pk"))
    if kind == "meetings":
        past = Meeting.objects.filter(status__in=[MeetingStatus.HELD, MeetingStatus.CANCELLED])
        if org is not None:
            past = past.filter(cell__in=Organisation.objects.subtree_of(org).values("pk"))
        qs = (
            past.select_related("cell", "chair", "minute_taker", "minutes", "resolution")
            .prefetch_related("steps__rule_step", "supervision_visits__assignment__member")
            .order_by("cell__code", "started_at", "scheduled_at", "pk")
        )
        for m in qs.iterator(chunk_size=2000):
            start = timezone.localtime(m.started_at or m.scheduled_at)
            end = timezone.localtime(m.ended_at).time() if m.ended_at else None
            minutes = getattr(m, "minutes", None)
            resolution = getattr(m, "resolution", None)
            approved = (
                timezone.localtime(minutes.approved_at).date()
                if minutes is not None and minutes.status == MinutesStatus.APPROVED and minutes.approved_at
                else None
            )
            done, missed = _step_columns(list(m.steps.all()))
            cards = sorted(
                v.assignment.member.card_number for v in m.supervision_visits.all() if v.assignment.member
            )
            sent = (
                timezone.localtime(m.materials_published_at).replace(tzinfo=None)
                if m.materials_published_at
                else None
            )
            yield (
                m.cell.code,
                m.kind,
                start.date(),
                start.time(),
                end,
                m.place,
                m.topic,
                m.chair.card_number if m.chair else "",
                m.minute_taker.card_number if m.minute_taker else "",
                minutes.number if minutes else "",
                m.status,
                m.cancel_reason,
                m.extra_reason,
                sent,
                done,
                missed,
                approved,
                resolution.kind if resolution else "",
                resolution.number if resolution else "",
                resolution.issued_on if resolution else None,
                "; ".join(cards),
            )
        return
    lines = (
        Attendance.objects.filter(meeting__in=meetings.values("pk"))
        .exclude(status="")
        .select_related("meeting__cell", "member")
        .order_by("meeting__cell__code", "meeting__started_at", "meeting_id", "member__card_number")
    )
    for a in lines.iterator(chunk_size=5000):
        start = timezone.localtime(a.meeting.started_at or a.meeting.scheduled_at)
        yield (
            a.meeting.cell.code,
            a.meeting.kind,
            start.date(),
            start.time(),
            a.member.card_number,
            a.status,
            a.reason,
            a.accepted_by,
            timezone.localtime(a.arrived_late_at).time() if a.arrived_late_at else None,
            timezone.localtime(a.left_early_at).time() if a.left_early_at else None,
        )
