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
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from chibo.audit.models import Action
from chibo.audit.services import audit_bulk, snapshot
from chibo.common.dates import fmt
from chibo.dataio.importer import BATCH, Checker, Context, Plan, fetch_in
from chibo.meetings import rules as meeting_rules
from chibo.meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesStatus,
)
from chibo.meetings.services.rulesets import pick_rule_set, rule_sets_between
from chibo.members import rules
from chibo.members.models import Membership, MembershipKind
from chibo.orgs.models import Organisation

# The body of the draft minutes made for a "Số biên bản": the paper book holds the text.
PAPER_MINUTES = "Biên bản trên giấy (nhập từ sổ biên bản của chi bộ); nội dung chưa được nhập vào Chibo."


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

    # -- loading --------------------------------------------------------------------------------------
    def load_meetings(self, keys: set[tuple[str, dt.date]]) -> None:
        """Meetings (not cancelled) stored for these (cell, day) pairs, with their roll calls and minutes."""
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
        for meeting in fetch_in(
            Meeting.objects.exclude(status=MeetingStatus.CANCELLED).filter(in_span), "cell_id", pks
        ):
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
            self.entries[cell.code, meeting.kind, entry.day].append(entry)
            found.append(entry)
        by_pk = {e.meeting.pk: e for e in found}
        for minutes in fetch_in(Minutes.objects.all(), "meeting_id", list(by_pk)):
            entry = by_pk[minutes.meeting_id]
            entry.minutes = minutes
            entry.locked = entry.locked or minutes.status == MinutesStatus.APPROVED
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
        return self._rule_sets or []

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


def plan_meetings(checker: Checker, plan: Plan, rows) -> None:
    ctx, state = checker.ctx, _state(checker.ctx)
    rows = list(rows)
    state.load_meetings({(v["cell"], v["day"]) for _, v in rows})
    state.load_rosters({v["cell"] for _, v in rows})
    ctx.load_members([v[a] for _, v in rows for a in ("chair", "minute_taker") if v[a]])
    days = [v["day"] for _, v in rows]
    candidates = state.rule_sets(min(days), max(days)) if days else []
    plan.meeting_lines = []  # roll-call lines of the meetings this table creates or records as held
    plan.minutes_creates, plan.minutes_updates = [], []
    # How many rows name each (cell, kind, day): a stored meeting is matched without its start time
    # only when one row names its day (two rows are two meetings of that day, told apart by the time).
    per_day: dict[tuple, int] = defaultdict(int)
    for _, v in rows:
        per_day[v["cell"], v["kind"], v["day"]] += 1
    seen: dict[tuple, int] = {}
    claimed: set[int] = set()
    for number, v in rows:
        day, start, end = v["day"], v["start"], v["end"]
        cell = checker._cell(plan, number, v["cell"], day)
        if cell is None or _future(checker, plan, number, day, start):
            continue
        if end is not None and end <= start:
            checker._err(plan, number, "end", "Giờ kết thúc phải sau giờ bắt đầu.")
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
            continue
        values = {
            "status": MeetingStatus.HELD,
            "scheduled_at": _moment(day, start),
            "started_at": _moment(day, start),
            "ended_at": _moment(day, end),
            "place": v["place"] or "",
            "topic": v["topic"] or "",
            "chair": officers["chair"],
            "minute_taker": officers["minute_taker"],
        }
        if entry is not None and entry.locked:
            # Recorded in Chibo: a row that changes nothing passes (re-importing a file is harmless).
            if entry.meeting.status == MeetingStatus.OPEN or _meeting_changes(checker, entry, values, v):
                checker._err(plan, number, "day", _locked_message(entry))
            else:
                claimed.add(entry.meeting.pk)
                entry.row = number
                plan.unchanged += 1
            continue
        if entry is None or entry.meeting.status == MeetingStatus.PLANNED:
            rule_set = pick_rule_set(candidates, paths=_ancestor_paths(cell), day=day)
            if rule_set is None:
                checker._err(
                    plan, number, "day", f"Chưa có bộ quy định sinh hoạt nào áp dụng cho ngày {fmt(day)}."
                )
                continue
            values["rule_set"] = rule_set
        if entry is None:
            meeting = Meeting(cell=cell, kind=v["kind"], **values)
            entry = Entry(meeting=meeting, cell=cell, day=day, start=start, row=number, new=True)
            state.entries[cell.code, v["kind"], day].append(entry)
            plan.creates.append(meeting)
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
        _plan_minutes(checker, plan, entry, v)


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


def _meeting_changes(checker: Checker, entry: Entry, values: dict, v: dict) -> bool:
    number_changes = "minutes_number" in checker._present and (
        entry.minutes.number if entry.minutes else ""
    ) != (v["minutes_number"] or "")
    return number_changes or bool(_changed_fields(checker, entry.meeting, values))


def plan_update(checker: Checker, plan: Plan, entry: Entry, values: dict) -> None:
    """Apply the row to a stored meeting."""
    meeting, before = entry.meeting, None
    for name in _changed_fields(checker, meeting, values):
        if before is None:
            before = snapshot(meeting)
        setattr(meeting, name, values[name])
    checker._record(plan, meeting, before)


def _plan_minutes(checker: Checker, plan: Plan, entry: Entry, v: dict) -> None:
    number = v["minutes_number"] or ""
    if "minutes_number" not in checker._present:
        return
    minutes = entry.minutes
    if minutes is None:
        if number:
            entry.minutes = Minutes(meeting=entry.meeting, number=number, body=PAPER_MINUTES)
            plan.minutes_creates.append(entry.minutes)
        return
    if minutes.number != number and minutes.status == MinutesStatus.DRAFT:
        before = snapshot(minutes)
        minutes.number = number
        plan.minutes_updates.append((minutes, before))
        if not any(obj is entry.meeting for obj, _ in plan.updates):
            # The meeting itself is unchanged but its row did change something.
            plan.unchanged -= 1
            plan.updates.append((entry.meeting, snapshot(entry.meeting)))


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
            Minutes.objects.bulk_update([m for m, _ in plan.minutes_updates], ["number"], batch_size=BATCH)
        entries += [(Action.CREATE, m, m.cell.path, None) for m in plan.creates]
        entries += [(Action.UPDATE, m, m.cell.path, before) for m, before in plan.updates]
        entries += [(Action.CREATE, a, a.meeting.cell.path, None) for a in plan.meeting_lines]
        entries += [(Action.CREATE, m, m.meeting.cell.path, None) for m in plan.minutes_creates]
        entries += [(Action.UPDATE, m, m.meeting.cell.path, before) for m, before in plan.minutes_updates]
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


def export_rows(kind: str, org: Organisation | None):
    """Held meetings and their marked roll-call lines, in the import format (the inverse of the above)."""
    meetings = Meeting.objects.filter(status=MeetingStatus.HELD)
    if org is not None:
        meetings = meetings.filter(cell__in=Organisation.objects.subtree_of(org).values("pk"))
    if kind == "meetings":
        qs = meetings.select_related("cell", "chair", "minute_taker", "minutes").order_by(
            "cell__code", "started_at", "pk"
        )
        for m in qs.iterator(chunk_size=2000):
            start = timezone.localtime(m.started_at or m.scheduled_at)
            end = timezone.localtime(m.ended_at).time() if m.ended_at else None
            minutes = getattr(m, "minutes", None)
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
