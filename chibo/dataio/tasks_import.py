"""Importing tasks given at past meetings (issue 4): the "tasks" kind.

Plugged into the engine of importer.py like meetings_import.py, and built on its MeetingState: a
task row names the held meeting of its cell on a day (stored, or on this import's «Buổi sinh hoạt»
sheet), a member on that meeting's roll call, the text and the deadline, and where it stands. Every
read is in bulk (the meetings of the file's days with their roll calls, the tasks of those meetings);
every row is checked against those dicts with the same rules as resolutions.services.task_assign
(resolutions.rules), and nothing is written unless every row is good.

A task is identified by (meeting, member, text): importing the same file again changes nothing, and a
corrected status, progress or evaluation updates the task in place.
"""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils import timezone

from chibo.audit.models import Action
from chibo.audit.services import audit_bulk, snapshot, user_row
from chibo.common.dates import fmt, local_midnight
from chibo.common.signals import cells_changed
from chibo.dataio.importer import BATCH, Checker, Context, Plan, fetch_in
from chibo.dataio.meetings_import import Entry, _state
from chibo.meetings.models import MeetingKind, MeetingStatus
from chibo.orgs.models import Organisation
from chibo.resolutions import rules
from chibo.resolutions.models import ACTIVE_STATUSES, Task, TaskStatus

UPDATE_FIELDS = ["due_on", "status", "progress", "evaluation", "evaluated_at", "evaluated_in", "updated_at"]
EVALUATED = (TaskStatus.DONE, TaskStatus.NOT_DONE, TaskStatus.CARRIED_OVER)


def _held(entry: Entry) -> bool:
    # A meeting planned by this import's «Buổi sinh hoạt» sheet is held once written.
    return entry.new or entry.converted or entry.meeting.status == MeetingStatus.HELD


def _held_on(state, cell: Organisation, day: dt.date, kind: str | None) -> list[Entry]:
    kinds = [kind] if kind else [MeetingKind.REGULAR, MeetingKind.THEMATIC]
    found = [e for k in kinds for e in state.find(cell, k, day, None) if _held(e)]
    if not kind and len(found) > 1:
        # Two meetings that day and no type given: the regular one, as documented.
        found = [e for e in found if e.meeting.kind == MeetingKind.REGULAR] or found
    return found


def _clean(text: str) -> str:
    # As task_assign stores it, so a re-import finds the same text.
    return text.replace("\r\n", "\n").strip()


def plan_tasks(checker: Checker, plan: Plan, rows) -> None:
    ctx, state = checker.ctx, _state(checker.ctx)
    rows = list(rows)
    today = ctx.today
    # The origin meetings, and the meetings on the evaluation days (the one that evaluated the task).
    keys = {(v["cell"], v["day"]) for _, v in rows}
    keys |= {(v["cell"], v["evaluated_on"] or min(v["due_on"], today)) for _, v in rows}
    state.load_meetings(keys)
    ctx.load_members(v["card"] for _, v in rows)
    cells = {code: ctx.orgs[code] for code, _ in keys if code in ctx.orgs}
    # A held meeting without a roll call (none recorded) falls back on the roster of its day.
    bare = {
        code
        for _, v in rows
        if (code := v["cell"]) in cells
        for e in _held_on(state, cells[code], v["day"], v["kind"])
        if not e.lines
    }
    if bare:
        state.load_rosters(bare)
    existing = _load_tasks(ctx, state, rows, cells)
    seen: dict[tuple, int] = {}
    for number, v in rows:
        day, card, due_on = v["day"], v["card"], v["due_on"]
        text = _clean(v["text"])
        cell = checker._cell(plan, number, v["cell"], day)
        member = checker._member(plan, number, card, scoped=False)  # the cell decides the scope
        if cell is None or member is None:
            continue
        entry = _origin(checker, plan, number, state, cell, day, v["kind"])
        if entry is None:
            continue
        on_roll = card in entry.lines if entry.lines else card in state.roster(cell, day)
        if not on_roll:
            checker._err(
                plan,
                number,
                "card",
                f"Đảng viên {member.full_name} (số thẻ {card}) không có tên trong danh sách sinh hoạt của "
                f"{cell.name} tại buổi sinh hoạt ngày {fmt(day)}.",
            )
            continue
        problem = rules.task_problem(text=text, due_on=due_on, meeting_day=day)
        if problem:
            for field_name, message in problem.items():
                checker._err(plan, number, field_name, message.split(": ", 1)[-1])
            continue
        key = (id(entry), card, text)
        if key in seen:
            checker._err(
                plan,
                number,
                "text",
                f"Trùng với dòng {seen[key]} (cùng buổi sinh hoạt, cùng đảng viên, cùng nội dung nhiệm vụ).",
            )
            continue
        seen[key] = number
        values = _values(checker, plan, number, state, entry, v, day, today)
        if values is None:
            continue
        task = existing.get((entry.meeting.pk, member.pk, text)) if entry.meeting.pk else None
        if task is not None:
            before = _apply(checker, task, values)
            if before is not None and task.followed and before["status"] != task.status:
                checker._err(
                    plan,
                    number,
                    "status",
                    "Nhiệm vụ đã được chuyển kỳ sau trong Chibo (đã có nhiệm vụ tiếp nối): không đổi trạng "
                    "thái bằng dữ liệu nhập.",
                )
                continue
            checker._record(plan, task, before)
            continue
        task = Task(
            cell=cell,
            meeting=entry.meeting,
            member=member,
            text=text,
            created_by=user_row(ctx.user),
            **{name: value for name, value in values.items() if value is not _KEEP},
        )
        plan.creates.append(task)


# A column left out of the file: the stored value stays (a new task takes the model's default).
_KEEP = object()


def _values(checker, plan, number, state, entry: Entry, v: dict, day, today) -> dict | None:
    status, progress = v["status"], v["progress"]
    problem = rules.progress_problem(progress)
    if problem:
        checker._err(plan, number, "progress", problem.split(": ", 1)[-1])
        return None
    if status == TaskStatus.DONE and progress not in (None, 100):
        checker._err(plan, number, "progress", "Nhiệm vụ hoàn thành có tiến độ 100% (hoặc để trống).")
        return None
    evaluation = v["evaluation"] or ""
    evaluated_on = v["evaluated_on"]
    if status in ACTIVE_STATUSES:
        if evaluation or evaluated_on:
            attr = "evaluation" if evaluation else "evaluated_on"
            checker._err(
                plan,
                number,
                attr,
                "Chỉ ghi đánh giá và ngày đánh giá cho nhiệm vụ Hoàn thành, Không hoàn thành hoặc Chuyển kỳ sau.",
            )
            return None
        evaluated_at, evaluated_in = None, None
    else:
        if evaluated_on is not None and evaluated_on < day:
            checker._err(plan, number, "evaluated_on", f"Không được trước ngày sinh hoạt {fmt(day)}.")
            return None
        if evaluated_on is not None and evaluated_on > today:
            checker._err(plan, number, "evaluated_on", f"Ngày {fmt(evaluated_on)} chưa tới.")
            return None
        evaluated_on = evaluated_on or min(v["due_on"], today)
        evaluated_at = local_midnight(evaluated_on)
        others = [e for e in _held_on(state, entry.cell, evaluated_on, None) if e is not entry]
        evaluated_in = others[0].meeting if len(others) == 1 else None
    if status == TaskStatus.DONE:
        progress = 100
    present = checker._present
    return {
        "due_on": v["due_on"],
        "status": status,
        "progress": progress if progress is not None else (_KEEP if "progress" not in present else 0),
        "evaluation": evaluation if "evaluation" in present else _KEEP,
        "evaluated_at": evaluated_at,
        "evaluated_in": evaluated_in,
    }


def _apply(checker: Checker, task: Task, values: dict) -> dict | None:
    """Apply the row to a stored task; the snapshot before if anything changed."""
    changes = {}
    stamp = values["evaluated_at"]
    if (
        task.evaluated_at is not None
        and stamp is not None
        and timezone.localdate(task.evaluated_at) == stamp.date()
    ):
        # Evaluated in Chibo on that same day: keep the recorded moment and meeting.
        values = {k: v for k, v in values.items() if k not in ("evaluated_at", "evaluated_in")}
    for name, value in values.items():
        if value is _KEEP:
            continue
        if name == "evaluated_in":
            differs = value is not None and value.pk is None  # a meeting of this same import
            differs = differs or task.evaluated_in_id != (value.pk if value is not None else None)
        else:
            differs = getattr(task, name) != value
        if differs:
            changes[name] = value
    if not changes:
        return None
    before = snapshot(task)
    for name, value in changes.items():
        setattr(task, name, value)
    return before


def _origin(checker, plan, number, state, cell, day, kind) -> Entry | None:
    entries = _held_on(state, cell, day, kind)
    if not entries:
        what = f"buổi {dict(MeetingKind.choices)[kind].lower()}" if kind else "buổi sinh hoạt"
        checker._err(
            plan,
            number,
            "day",
            f"Không có {what} đã họp của {cell.name} ngày {fmt(day)} (trong cơ sở dữ liệu hoặc ở trang "
            "«Buổi sinh hoạt» trước đó): hãy nhập buổi sinh hoạt đó trước.",
        )
        return None
    if len(entries) > 1:
        label = entries[0].meeting.get_kind_display().lower()
        checker._err(
            plan,
            number,
            "day",
            f"{cell.name} có {len(entries)} buổi {label} đã họp ngày {fmt(day)}: không xác định được buổi giao "
            "nhiệm vụ; hãy giao nhiệm vụ này ngay trên trang của buổi sinh hoạt.",
        )
        return None
    return entries[0]


def _load_tasks(ctx: Context, state, rows, cells) -> dict[tuple, Task]:
    """The stored tasks of the meetings the rows name, by (meeting, member, text)."""
    meetings = {
        e.meeting.pk: e.meeting
        for _, v in rows
        if v["cell"] in cells
        for e in _held_on(state, cells[v["cell"]], v["day"], v["kind"])
        if e.meeting.pk
    }
    followed = Task.objects.filter(carried_from=OuterRef("pk"))
    qs = Task.objects.annotate(followed=Exists(followed)).order_by("pk")
    found: dict[tuple, Task] = {}
    for task in sorted(fetch_in(qs, "meeting_id", list(meetings)), key=lambda t: t.pk):
        task.cell = ctx.org_by_pk[task.cell_id]
        task.meeting = meetings[task.meeting_id]
        # The same text carried over without a meeting stays on its origin meeting: the latest wins.
        found[task.meeting_id, task.member_id, task.text] = task
    return found


# -- writing ----------------------------------------------------------------------------------------


def write_plan(plan: Plan, ctx: Context, *, audit_rows: bool) -> None:
    """Write the planned tasks (inside write_plans' transaction): bulk inserts and updates only."""
    Task.objects.bulk_create(plan.creates, batch_size=BATCH)
    if plan.updates:
        now = timezone.now()  # bulk_update skips auto_now
        for task, _ in plan.updates:
            task.updated_at = now
        Task.objects.bulk_update([t for t, _ in plan.updates], UPDATE_FIELDS, batch_size=BATCH)
    # T5 counts tasks by their origin meeting's month: those months of those cells are stale now.
    months: dict[int, list[dt.date]] = {}
    for task in plan.creates + [t for t, _ in plan.updates]:
        day = timezone.localdate(task.meeting.started_at or task.meeting.scheduled_at)
        months.setdefault(task.cell_id, []).append(day)
    for cell_id, days in months.items():
        cells_changed([cell_id], min(days), max(days))
    if audit_rows:
        entries = [(Action.CREATE, t, t.cell.path, None) for t in plan.creates]
        entries += [(Action.UPDATE, t, t.cell.path, before) for t, before in plan.updates]
        if entries:
            audit_bulk(entries, user=ctx.user)


# -- export -----------------------------------------------------------------------------------------


def export_rows(org: Organisation | None):
    """Tasks given at held meetings, in the import format (the inverse of the above)."""
    qs = Task.objects.filter(meeting__status=MeetingStatus.HELD)
    if org is not None:
        qs = qs.filter(cell__in=Organisation.objects.subtree_of(org).values("pk"))
    qs = qs.select_related("cell", "meeting", "member").order_by(
        "cell__code", "meeting__started_at", "meeting_id", "member__card_number", "pk"
    )
    for t in qs.iterator(chunk_size=5000):
        moment = timezone.localtime(t.meeting.started_at or t.meeting.scheduled_at)
        yield (
            t.cell.code,
            moment.date(),
            t.meeting.kind,
            t.member.card_number,
            t.text,
            t.due_on,
            t.status,
            t.progress,
            t.evaluation,
            timezone.localdate(t.evaluated_at) if t.evaluated_at else None,
        )
