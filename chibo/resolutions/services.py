"""Writes for resolutions, conclusions and tasks. Each runs in one transaction, logs to the audit trail,
and raises ValidationError with Vietnamese messages keyed by field; the web, the API and imports call
these same functions."""

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chibo.audit.models import Action
from chibo.audit.services import audit_log, snapshot
from chibo.common.collation import name_order
from chibo.common.dates import fmt
from chibo.common.files import read_upload
from chibo.common.signals import cells_changed
from chibo.meetings.models import Attendance, Meeting, MeetingKind, MeetingStatus, MotionKind, Vote
from chibo.meetings.services.minutes import attendance_counts, local_dt, meeting_date, percent
from chibo.members.models import Member
from chibo.members.selectors import roster_on
from chibo.notices.models import NoticeKind
from chibo.notices.services import notify
from chibo.orgs.models import Organisation
from chibo.resolutions import access, rules, selectors
from chibo.resolutions.models import (
    Resolution,
    ResolutionKind,
    ResolutionStatus,
    Task,
    TaskNote,
    TaskStatus,
)

LOCKED = "Văn bản đã được thông qua và đã khóa; không sửa được nữa."
TASK_LOCKED = "Nhiệm vụ đã được chi bộ đánh giá; không cập nhật được nữa."


def _user(by):
    return by if getattr(by, "pk", None) else None


def _lock_cell(cell_id: int) -> None:
    # Serialises numbering and duplicate checks within a cell.
    Organisation.objects.select_for_update().filter(pk=cell_id).first()


# --- resolutions and conclusions ---------------------------------------------------------------------


def kind_for(meeting: Meeting) -> str:
    """A regular meeting passes a resolution; a thematic one ends with a conclusion."""
    return ResolutionKind.CONCLUSION if meeting.kind == MeetingKind.THEMATIC else ResolutionKind.RESOLUTION


def next_resolution_number(cell_id: int, year: int, kind: str) -> str:
    used = (
        Resolution.objects.filter(cell_id=cell_id, year=year, kind=kind)
        .exclude(number="")
        .values_list("number", flat=True)
    )
    return rules.next_number(list(used), kind)


def _passing_vote(meeting: Meeting, kind: str) -> Vote | None:
    motion = MotionKind.CONCLUSION if kind == ResolutionKind.CONCLUSION else MotionKind.RESOLUTION
    return meeting.votes.filter(kind=motion, passed=True).order_by("-recorded_at", "-pk").first()


def preamble_text(meeting: Meeting) -> str:
    lines = list(Attendance.objects.filter(meeting=meeting))
    counts = attendance_counts(lines)
    start, end = meeting.started_at, meeting.ended_at
    duration = int((end - start).total_seconds() // 60) if start and end else None
    out = [
        f"Thời gian: {local_dt(start) or local_dt(meeting.scheduled_at)}"
        + (f" đến {local_dt(end)} ({duration} phút)" if end else ""),
        f"Địa điểm: {meeting.place or '(chưa ghi)'}",
        f"Tổng số đảng viên của chi bộ: {counts.roster}; miễn sinh hoạt: {counts.exempt}"
        + (f" (có {counts.exempt_present} đồng chí vẫn dự)" if counts.exempt_present else "")
        + f"; phải dự: {counts.required}.",
        f"Có mặt: {counts.present} ({percent(counts.present, counts.required)}); vắng có lý do: {counts.excused}; "
        f"vắng không lý do: {counts.unexcused}.",
        f"Chủ trì: đồng chí {meeting.chair.full_name if meeting.chair else '(chưa ghi)'}; "
        f"thư ký: đồng chí {meeting.minute_taker.full_name if meeting.minute_taker else '(chưa ghi)'}.",
    ]
    return "\n".join(out) + "\n"


def results_text(meeting: Meeting) -> str:
    tasks = list(selectors.review_tasks(meeting))
    if not tasks:
        return "Không có nhiệm vụ nào từ kỳ trước cần kiểm điểm.\n"
    done = sum(t.status == TaskStatus.DONE and t.evaluated_at is not None for t in tasks)
    out = [f"Kiểm điểm {len(tasks)} nhiệm vụ được giao từ kỳ trước: {done} hoàn thành."]
    for t in tasks:
        verdict = (
            t.get_status_display() if t.evaluated_at else f"chưa đánh giá ({t.get_status_display().lower()})"
        )
        line = f"- Đồng chí {t.member.full_name}: {t.text.strip()} (hạn {fmt(t.due_on)}) — {verdict}"
        if t.status == TaskStatus.CARRIED_OVER and getattr(t, "carried_to", None):
            line += f", hạn mới {fmt(t.carried_to.due_on)}"
        if t.evaluation:
            line += f". {t.evaluation.strip()}"
        out.append(line)
    return "\n".join(out) + "\n"


def assignments_text(meeting: Meeting) -> str:
    tasks = list(selectors.tasks_of_meeting(meeting))
    if not tasks:
        return "(Chưa phân công nhiệm vụ cho đảng viên.)\n"
    out = []
    for t in tasks:
        report = (
            f"; báo cáo tại buổi sinh hoạt {fmt(meeting_date(t.report_meeting))}"
            if t.report_meeting_id
            else ""
        )
        out.append(f"- Đồng chí {t.member.full_name}: {t.text.strip()} (hạn {fmt(t.due_on)}{report})")
    return "\n".join(out) + "\n"


def direction_text(meeting: Meeting) -> str:
    notes = [
        s.notes.strip()
        for s in meeting.steps.select_related("rule_step").order_by("order")
        if s.notes.strip()
        and s.rule_step is not None
        and s.rule_step.code in ("sum_up", "conclusion", "discussion")
    ]
    return ("\n".join(notes) + "\n") if notes else "(Chi ủy ghi phương hướng, nhiệm vụ tháng tới.)\n"


def self_assessment_text(meeting: Meeting) -> str:
    score = getattr(meeting, "score", None)  # the reverse one-to-one raises AttributeError when absent
    if score is not None and score.total:
        grade = f", xếp loại {score.grade}" if score.grade else ""
        return f"Chi bộ tự đánh giá buổi sinh hoạt đạt {score.total} điểm{grade}.\n"
    return "(Chi bộ tự đánh giá chất lượng buổi sinh hoạt.)\n"


@transaction.atomic
def resolution_build(*, meeting: Meeting, by, rebuild: bool = False) -> Resolution:
    """Create the draft from what the meeting recorded; `rebuild` regenerates the generated sections of a
    draft (the preamble, last month's results and the assignments). Approved texts are never rebuilt."""
    access.require_assign_at(by, meeting)
    if meeting.status not in (MeetingStatus.OPEN, MeetingStatus.HELD):
        raise ValidationError("Chỉ lập được nghị quyết, kết luận cho buổi sinh hoạt đang họp hoặc đã họp.")
    _lock_cell(meeting.cell_id)
    resolution = Resolution.objects.select_for_update().filter(meeting=meeting).first()
    if resolution is not None and (resolution.is_locked or not rebuild):
        if rebuild:
            raise ValidationError(LOCKED)
        return resolution
    kind = kind_for(meeting)
    if resolution is None:
        resolution = Resolution(
            meeting=meeting,
            cell_id=meeting.cell_id,
            kind=kind,
            issued_on=meeting_date(meeting),
            direction=direction_text(meeting),
            self_assessment=self_assessment_text(meeting),
        )
        action, before = Action.CREATE, None
    else:
        action, before = Action.UPDATE, snapshot(resolution)
    resolution.preamble = preamble_text(meeting)
    resolution.results = results_text(meeting)
    resolution.assignments = assignments_text(meeting)
    resolution.vote = _passing_vote(meeting, resolution.kind)
    resolution.save()
    audit_log(user=_user(by), action=action, obj=resolution, org_path=meeting.cell.path, before=before)
    return resolution


EDITABLE = ("number", "issued_on", "preamble", "results", "direction", "assignments", "self_assessment")


@transaction.atomic
def resolution_update(*, resolution: Resolution, by, **fields) -> Resolution:
    resolution = Resolution.objects.select_for_update().select_related("cell").get(pk=resolution.pk)
    access.resolution.check_edit(by, resolution)
    if resolution.is_locked:
        raise ValidationError(LOCKED)
    before = snapshot(resolution)
    for name, value in fields.items():
        if name not in EDITABLE or value is None:
            continue
        setattr(resolution, name, value.replace("\r\n", "\n").strip() if isinstance(value, str) else value)
    if resolution.issued_on is None:
        raise ValidationError({"issued_on": "Ngày ban hành: hãy nhập ngày (dd/mm/yyyy)."})
    _check_number(resolution)
    resolution.save()
    audit_log(
        user=_user(by), action=Action.UPDATE, obj=resolution, org_path=resolution.cell.path, before=before
    )
    return resolution


def _check_number(resolution: Resolution) -> None:
    if not resolution.number:
        return
    clash = Resolution.objects.filter(
        cell_id=resolution.cell_id, year=resolution.issued_on.year, number=resolution.number
    ).exclude(pk=resolution.pk)
    if clash.exists():
        raise ValidationError(
            {
                "number": f"Số {resolution.number}: chi bộ đã dùng số này trong năm {resolution.issued_on.year}."
            }
        )


@transaction.atomic
def resolution_approve(*, resolution: Resolution, by) -> Resolution:
    """Lock the text. A resolution needs the meeting's passing vote (DOMAIN §5); a number is given if empty."""
    access.resolution.check_edit(by, resolution)
    _lock_cell(resolution.cell_id)
    resolution = (
        Resolution.objects.select_for_update().select_related("cell", "meeting").get(pk=resolution.pk)
    )
    if resolution.is_locked:
        return resolution
    if resolution.meeting.status != MeetingStatus.HELD:
        raise ValidationError(
            "Buổi sinh hoạt chưa kết thúc: kết thúc buổi sinh hoạt trước khi thông qua văn bản."
        )
    vote = _passing_vote(resolution.meeting, resolution.kind)
    if resolution.kind == ResolutionKind.RESOLUTION and vote is None:
        raise ValidationError(
            "Nghị quyết chưa được biểu quyết thông qua: ghi kết quả biểu quyết (quá nửa số đảng viên có quyền "
            "biểu quyết tán thành) trước khi thông qua."
        )
    before = snapshot(resolution)
    if not resolution.number:
        resolution.number = next_resolution_number(
            resolution.cell_id, resolution.issued_on.year, resolution.kind
        )
    _check_number(resolution)
    resolution.vote = vote
    resolution.status = ResolutionStatus.APPROVED
    resolution.approved_at = timezone.now()
    resolution.approved_by = _user(by)
    resolution.save()
    audit_log(
        user=_user(by), action=Action.UPDATE, obj=resolution, org_path=resolution.cell.path, before=before
    )
    return resolution


# --- tasks -----------------------------------------------------------------------------------------


def _roster_ids(meeting: Meeting) -> set[int]:
    """Who may be given a task at this meeting: its roll call once opened, else the roster of its day."""
    ids = set(Attendance.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    return ids or set(roster_on(meeting.cell, meeting_date(meeting)).values_list("pk", flat=True))


@transaction.atomic
def task_assign(
    *, meeting: Meeting, members, text: str, due_on: dt.date | None, by, report_meeting: Meeting | None = None
) -> list[Task]:
    """One task per member for the same text (DOMAIN §6: one responsible member per task). Assigning the
    same text twice to a member at one meeting is refused (a form posted twice creates nothing more)."""
    access.require_assign_at(by, meeting)
    if meeting.status not in (MeetingStatus.OPEN, MeetingStatus.HELD):
        raise ValidationError("Chỉ giao nhiệm vụ tại buổi sinh hoạt đang họp hoặc đã họp.")
    members = list(members)
    if not members:
        raise ValidationError({"members": "Đảng viên: chọn ít nhất một đảng viên nhận nhiệm vụ."})
    day = meeting_date(meeting)
    problem = rules.task_problem(text=text, due_on=due_on, meeting_day=day)
    if problem or due_on is None:  # task_problem refuses an empty deadline
        raise ValidationError(problem or {"due_on": "Hạn hoàn thành: không được để trống."})
    text = text.replace("\r\n", "\n").strip()
    _lock_cell(meeting.cell_id)
    on_roster = _roster_ids(meeting)
    outsiders = [m.full_name for m in members if m.pk not in on_roster]
    if outsiders:
        raise ValidationError(
            {
                "members": f"Đảng viên không có trong danh sách sinh hoạt của chi bộ ngày {day:%d/%m/%Y}: "
                + ", ".join(outsiders)
                + "."
            }
        )
    twice = Member.objects.filter(
        pk__in=Task.objects.filter(meeting=meeting, text=text, member__in=[m.pk for m in members]).values(
            "member_id"
        )
    ).order_by(*name_order())
    if twice.exists():
        raise ValidationError(
            {
                "members": "Đã giao nhiệm vụ này tại buổi sinh hoạt này cho: "
                + ", ".join(m.full_name for m in twice)
                + "."
            }
        )
    if report_meeting is not None:
        if report_meeting.cell_id != meeting.cell_id or (report_meeting.scheduled_at <= meeting.scheduled_at):
            raise ValidationError(
                {"report_meeting": "Buổi báo cáo: phải là một buổi sinh hoạt sau của cùng chi bộ."}
            )
    else:
        report_meeting = selectors.next_regular_meeting(meeting)
    tasks = [
        Task(
            cell_id=meeting.cell_id,
            meeting=meeting,
            member=m,
            text=text,
            due_on=due_on,
            report_meeting=report_meeting,
            created_by=_user(by),
        )
        for m in members
    ]
    for task in tasks:
        task.save()
        audit_log(user=_user(by), action=Action.CREATE, obj=task, org_path=meeting.cell.path)
    _tell_member(tasks, "given", by)  # one notice for everyone given this text, not one per task
    cells_changed([meeting.cell_id], day)  # T5
    return tasks


def _tell_member(tasks: list[Task], event: str, by) -> None:
    """The members hear of a task given or evaluated in the inbox, by SMS and e-mail (chibo.notices)."""
    task = tasks[0]
    link = reverse("resolutions:mine") if len(tasks) > 1 else task.get_absolute_url()
    if event == "given":
        kind, subject = NoticeKind.TASK_GIVEN, f"Nhiệm vụ mới, hạn {task.due_on:%d/%m/%Y}"
        body = (
            f"{task.cell.name} giao cho đồng chí nhiệm vụ: {task.text}\n"
            f"Hạn hoàn thành: {task.due_on:%d/%m/%Y}. Đồng chí báo tiến độ trên Chibo (Nhiệm vụ của tôi)."
        )
        sms = f"{task.cell.name} giao nhiệm vụ: {task.text[:70]}. Hạn {task.due_on:%d/%m/%Y}."
    else:
        kind = NoticeKind.TASK_EVALUATED
        subject = f"Chi bộ đánh giá nhiệm vụ: {task.get_status_display().lower()}"
        body = f"Nhiệm vụ: {task.text}\nKết quả: {task.get_status_display()}." + (
            f"\nĐánh giá: {task.evaluation}" if task.evaluation else ""
        )
        sms = f"{task.cell.name} đánh giá nhiệm vụ của đồng chí: {task.get_status_display().lower()}."
    notify(
        key=f"task:{task.pk}:{event}",
        kind=kind,
        subject=subject,
        body=body,
        sms_text=sms,
        link=link,
        cell=task.cell,
        members=[t.member for t in tasks],
        by=by,
    )


@transaction.atomic
def task_update(*, task: Task, by, text: str | None = None, due_on: dt.date | None = None) -> Task:
    """The cell corrects a task's text or deadline before evaluating it."""
    task = Task.objects.select_for_update().select_related("cell", "meeting").get(pk=task.pk)
    access.task.check_edit(by, task)
    if not task.is_open:
        raise ValidationError(TASK_LOCKED)
    before = snapshot(task)
    problem = rules.task_problem(
        text=text if text is not None else task.text,
        due_on=due_on if due_on is not None else task.due_on,
        meeting_day=meeting_date(task.meeting),
    )
    if problem:
        raise ValidationError(problem)
    if text is not None:
        task.text = text.replace("\r\n", "\n").strip()
    if due_on is not None:
        task.due_on = due_on
    task.save()
    audit_log(user=_user(by), action=Action.UPDATE, obj=task, org_path=task.cell.path, before=before)
    return task


@transaction.atomic
def task_delete(*, task: Task, by) -> None:
    """Only a task given by mistake: before any progress note or evaluation."""
    task = Task.objects.select_for_update().select_related("cell").get(pk=task.pk)
    access.task.check_edit(by, task)
    if not task.is_open or task.status != TaskStatus.ASSIGNED or task.notes.exists():
        raise ValidationError("Chỉ xóa được nhiệm vụ vừa giao, chưa có ghi nhận tiến độ hay đánh giá.")
    audit_log(user=_user(by), action=Action.DELETE, obj=task, org_path=task.cell.path, before=snapshot(task))
    task.delete()
    cells_changed([task.cell_id], meeting_date(task.meeting))


@transaction.atomic
def task_report(
    *, task: Task, by, text: str = "", progress: int | None = None, file=None, mark_done: bool = False
) -> TaskNote | None:
    """The member reports: a progress note (text, percentage, a file) and/or "done". Moves assigned → in
    progress, and → done (100%) when marked done. Locked once the cell has evaluated the task."""
    task = Task.objects.select_for_update().select_related("cell").get(pk=task.pk)
    access.task.check_report(by, task)
    if not rules.member_may_update(task.status) or not task.is_open:
        raise ValidationError(TASK_LOCKED)
    text = (text or "").replace("\r\n", "\n").strip()
    problem = rules.progress_problem(progress)
    if problem:
        raise ValidationError({"progress": problem})
    if file is not None:
        problem = rules.note_file_problem(file.name, file.size) or rules.note_file_problem(
            file.name, file.size, read_upload(file)
        )
        if problem:
            raise ValidationError({"file": problem})
    if not text and file is None and progress is None and not mark_done:
        raise ValidationError({"text": "Nội dung: hãy ghi tiến độ, đính kèm tệp hoặc báo hoàn thành."})
    before = snapshot(task)
    note = None
    if text or file is not None or progress is not None:
        note = TaskNote(
            task=task,
            author=_user(by),
            text=text or ("Báo hoàn thành." if mark_done else ""),
            progress=100 if mark_done else progress,
        )
        if file is not None:
            note.file.save(Path(file.name).name, file, save=False)
        note.save()
    if mark_done:
        task.status = TaskStatus.DONE
        task.progress = 100
        task.completed_at = timezone.now()
    else:
        if progress is not None:
            task.progress = progress
        if task.status == TaskStatus.ASSIGNED:
            task.status = TaskStatus.IN_PROGRESS
    task.save()
    audit_log(user=_user(by), action=Action.UPDATE, obj=task, org_path=task.cell.path, before=before)
    return note


@transaction.atomic
def task_evaluate(
    *,
    task: Task,
    meeting: Meeting | None,
    outcome: str,
    by,
    evaluation: str = "",
    new_due_on: dt.date | None = None,
) -> Task:
    """The cell's verdict, normally at a meeting's "review tasks" step: done / not done / carried over to a
    new deadline (a new task for the same member, from this meeting, linked to the old one)."""
    task = Task.objects.select_for_update().select_related("cell", "member", "meeting").get(pk=task.pk)
    access.task.check_evaluate(by, task)
    if meeting is not None and meeting.cell_id != task.cell_id:
        raise ValidationError("Buổi sinh hoạt đánh giá phải của cùng chi bộ.")
    if meeting is not None and meeting.status not in (MeetingStatus.OPEN, MeetingStatus.HELD):
        raise ValidationError("Chỉ đánh giá nhiệm vụ tại buổi sinh hoạt đang họp hoặc đã họp.")
    if not task.is_open:
        raise ValidationError(TASK_LOCKED)
    day = meeting_date(meeting) if meeting is not None else timezone.localdate()
    problem = rules.evaluation_problem(outcome=outcome, new_due_on=new_due_on, meeting_day=day)
    if problem:
        raise ValidationError(problem)
    before = snapshot(task)
    task.status = outcome
    task.evaluation = (evaluation or "").strip()
    task.evaluated_at = timezone.now()
    task.evaluated_in = meeting
    task.evaluated_by = _user(by)
    if outcome == TaskStatus.DONE:
        task.progress = 100
    task.save()
    audit_log(user=_user(by), action=Action.UPDATE, obj=task, org_path=task.cell.path, before=before)
    _tell_member([task], "evaluated", by)
    # evaluation_problem above demands the new deadline of a task carried over.
    if outcome == TaskStatus.CARRIED_OVER and new_due_on is not None:
        follow = Task.objects.create(
            cell_id=task.cell_id,
            meeting=meeting or task.meeting,
            member=task.member,
            text=task.text,
            due_on=new_due_on,
            report_meeting=selectors.next_regular_meeting(meeting) if meeting is not None else None,
            progress=task.progress,
            status=TaskStatus.IN_PROGRESS if task.progress else TaskStatus.ASSIGNED,
            carried_from=task,
            created_by=_user(by),
        )
        audit_log(user=_user(by), action=Action.CREATE, obj=follow, org_path=task.cell.path)
        cells_changed([task.cell_id], meeting_date(follow.meeting))
    return task
