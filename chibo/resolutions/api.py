"""/api/v1/resolutions, /api/v1/tasks and the meeting-side calls under /api/v1/meetings/{id}/ (issue 4).

Same rules as the web pages, through the same access path (resolutions.access, meetings.access) and the
same services, so both leave the same audit entries:
- whoever sees a meeting (its cell's members too) reads its approved resolution or conclusion; a draft
  only those who may write the cell (403 otherwise, as for draft minutes);
- tasks are read by the cell's leaders, committee staff and supervisors, and by their assignee; only the
  assignee (or the cell's writers) reports progress, only the cell's writers edit and evaluate;
- the T5 coverage of a meeting lists the cell's members: those who read member records (403 otherwise).
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from chibo.common.api.errors import renamed_fields
from chibo.common.api.schemas import (
    MAX_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    Count,
    Day,
    ErrorOut,
    Flag,
    Id,
    InputSchema,
    Pagination,
    PathId,
    Text,
)
from chibo.common.dates import today
from chibo.meetings.access import get_meeting_for_user
from chibo.meetings.api import LocalTime, PersonOut
from chibo.meetings.models import Meeting, MeetingStatus
from chibo.meetings.services.minutes import meeting_date
from chibo.members.models import Member
from chibo.members.selectors import roster_on
from chibo.orgs.access import orgs_writable_by
from chibo.resolutions import access, rules, selectors, services
from chibo.resolutions.models import (
    ACTIVE_STATUSES,
    Resolution,
    ResolutionKind,
    ResolutionStatus,
    Task,
    TaskStatus,
)

router = Router()  # /resolutions
task_router = Router()  # /tasks
# Mounted at /meetings next to meetings.api's router: what a meeting decides and assigns.
meeting_router = Router()

READ_ERRORS_403 = {**READ_ERRORS, 403: ErrorOut}

# ---------------------------------------------------------------- schemas


class ResolutionOut(Schema):
    id: int
    meeting_id: int
    cell_id: int
    cell_code: str = Field(alias="cell.code")
    kind: ResolutionKind
    number: str = Field(description="Ví dụ `05-NQ/CB`; trống cho đến khi thông qua (hoặc tự ghi).")
    issued_on: dt.date
    year: int
    status: ResolutionStatus
    approved_at: LocalTime | None
    approved_by: str | None
    vote_id: int | None = Field(description="Lần biểu quyết thông qua của buổi sinh hoạt.")
    updated_at: LocalTime

    @staticmethod
    def resolve_approved_by(obj) -> str | None:
        return obj.approved_by.username if obj.approved_by_id else None


class ResolutionDetailOut(ResolutionOut):
    preamble: str
    results: str
    direction: str
    assignments: str
    self_assessment: str
    can_write: bool


class ResolutionIn(InputSchema):
    number: Text | None = Field(None, max_length=40)
    issued_on: Day | None = None
    preamble: Text | None = None
    results: Text | None = None
    direction: Text | None = None
    assignments: Text | None = None
    self_assessment: Text | None = None


class ResolutionBuildIn(InputSchema):
    rebuild: Flag = Field(False, description="Lập lại các phần sinh từ dữ liệu (bỏ phần đã sửa tay).")


class TaskOut(Schema):
    id: int
    cell_id: int
    cell_code: str = Field(alias="cell.code")
    meeting_id: int = Field(description="Buổi sinh hoạt giao nhiệm vụ.")
    meeting_date: dt.date
    member: PersonOut
    text: str
    due_on: dt.date
    report_meeting_id: int | None = Field(description="Buổi sinh hoạt báo cáo kết quả.")
    status: TaskStatus
    progress: int
    is_overdue: bool
    completed_at: LocalTime | None = Field(description="Lúc đảng viên báo hoàn thành.")
    evaluation: str
    evaluated_at: LocalTime | None
    evaluated_in_id: int | None
    carried_from_id: int | None
    carried_to_id: int | None = Field(description="Nhiệm vụ tiếp nối khi chuyển kỳ sau.")
    created_at: LocalTime

    @staticmethod
    def resolve_meeting_date(obj) -> dt.date:
        return meeting_date(obj.meeting)

    @staticmethod
    def resolve_is_overdue(obj) -> bool:
        return rules.is_overdue(status=obj.status, due_on=obj.due_on, today=today())

    @staticmethod
    def resolve_carried_to_id(obj) -> int | None:
        follow = getattr(obj, "carried_to", None)  # the reverse one-to-one raises when absent
        return follow.pk if follow is not None else None


class NoteOut(Schema):
    id: int
    text: str
    progress: int | None
    author: str | None
    file_name: str | None
    created_at: LocalTime

    @staticmethod
    def resolve_author(obj) -> str | None:
        return obj.author.username if obj.author_id else None

    @staticmethod
    def resolve_file_name(obj) -> str | None:
        return obj.file.name.rsplit("/", 1)[-1] if obj.file else None


class TaskDetailOut(TaskOut):
    notes: list[NoteOut]
    can_report: bool = Field(description="Bạn được ghi tiến độ (người được giao, hoặc cấp ủy chi bộ).")
    can_evaluate: bool = Field(description="Bạn được sửa, đánh giá nhiệm vụ (cấp ủy chi bộ).")

    @staticmethod
    def resolve_notes(obj) -> list:
        return obj.notes_list


class TaskAssignIn(InputSchema):
    member_ids: list[Id] = Field(min_length=1, max_length=500, description="Mỗi đảng viên một nhiệm vụ.")
    text: Text = Field(min_length=1)
    due_on: Day
    report_meeting_id: Id | None = Field(
        None, description="Buổi báo cáo; mặc định buổi thường kỳ kế tiếp đã lên lịch."
    )


class TaskUpdateIn(InputSchema):
    text: Text | None = Field(None, min_length=1)
    due_on: Day | None = None


class TaskNoteIn(InputSchema):
    text: Text = ""
    progress: Count | None = Field(None, ge=0, le=100, description="Tiến độ (%).")
    done: Flag = Field(False, description="Báo hoàn thành (tiến độ 100%).")


class TaskEvaluateIn(InputSchema):
    outcome: Literal["done", "not_done", "carried_over"]
    evaluation: Text = ""
    new_due_on: Day | None = Field(None, description="Hạn mới; bắt buộc khi chuyển kỳ sau.")
    meeting_id: Id | None = Field(None, description="Buổi sinh hoạt đánh giá (cùng chi bộ).")


class CoverageOut(Schema):
    meeting_id: int
    cell_id: int
    day: dt.date = Field(description="Danh sách đảng viên tính theo ngày này (ngày họp).")
    numerator: int = Field(
        description="Đảng viên đang công tác, không miễn sinh hoạt, đã được giao nhiệm vụ."
    )
    denominator: int = Field(description="Đảng viên đang công tác, không miễn sinh hoạt.")
    rate: float | None
    covered: list[PersonOut]
    gaps: list[PersonOut] = Field(description="Chưa được giao nhiệm vụ nào trong tháng.")
    not_working: list[PersonOut]
    exempt: list[PersonOut]


# ---------------------------------------------------------------- helpers


def _resolution_out(request, resolution: Resolution) -> Resolution:
    resolution = Resolution.objects.select_related("cell", "approved_by").get(pk=resolution.pk)
    resolution.can_write = access.resolution.can_edit(request.user, resolution)
    return resolution


def _task_qs():
    return Task.objects.select_related("cell", "member", "meeting", "carried_to")


def _task_out(request, task: Task) -> Task:
    task = _task_qs().get(pk=task.pk)
    task.notes_list = list(task.notes.select_related("author"))
    writer = access.task.can_edit(request.user, task)
    task.can_report = writer or (
        access.is_assignee(request.user, task) and rules.member_may_update(task.status)
    )
    task.can_evaluate = writer
    return task


def _cell_filter(qs, cell: int | None, cell_code: str | None):
    if cell is not None:
        qs = qs.filter(cell_id=cell)
    if cell_code:
        qs = qs.filter(cell__code=cell_code)
    return qs


def _roster_members(meeting: Meeting, ids: list[int]) -> list[Member]:
    """Members named in a body must be on the meeting's roll call (or the roster of its day): an id
    outside it is bad input, and names of other cells' members are never echoed back."""
    if meeting.attendances.exists():
        candidates = Member.objects.filter(attendances__meeting=meeting)
    else:
        candidates = roster_on(meeting.cell, meeting_date(meeting))
    found = {m.pk: m for m in candidates.filter(pk__in=ids)}
    missing = [str(pk) for pk in dict.fromkeys(ids) if pk not in found]
    if missing:
        raise ValidationError(
            {
                "member_ids": f"Không có đảng viên id {', '.join(missing)} trong danh sách sinh hoạt của buổi này."
            }
        )
    return [found[pk] for pk in dict.fromkeys(ids)]


def _cell_meeting(cell_id: int, pk: int | None, field: str) -> Meeting | None:
    if pk is None:
        return None
    meeting = Meeting.objects.filter(pk=pk, cell_id=cell_id).first()
    if meeting is None:
        raise ValidationError({field: f"Không tìm thấy buổi sinh hoạt id {pk} của chi bộ này."})
    return meeting


# ---------------------------------------------------------------- resolutions


@router.get("", response={200: list[ResolutionOut], **READ_ERRORS})
@paginate(Pagination)
def resolution_list(
    request,
    cell: int | None = Query(None, ge=1, le=MAX_ID, description="Id chi bộ."),
    cell_code: str | None = Query(None, max_length=40, pattern=r"^[^\x00]*$", description="Mã chi bộ."),
    meeting: int | None = Query(None, ge=1, le=MAX_ID),
    year: int | None = Query(None, ge=1900, le=2999),
    kind: ResolutionKind | None = None,
    status: ResolutionStatus | None = None,
):
    """Resolutions and conclusions of the meetings the caller sees, newest first. Drafts are listed only
    for the cells the caller may write."""
    qs = access.resolutions_visible_to(request.user).select_related("cell", "approved_by")
    qs = qs.filter(
        Q(status=ResolutionStatus.APPROVED) | Q(cell__in=orgs_writable_by(request.user).values("pk"))
    )
    qs = _cell_filter(qs, cell, cell_code)
    if meeting is not None:
        qs = qs.filter(meeting_id=meeting)
    if year is not None:
        qs = qs.filter(year=year)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if status is not None:
        qs = qs.filter(status=status)
    return qs.order_by("-issued_on", "-pk")


@router.get("/{resolution_id}", response={200: ResolutionDetailOut, **READ_ERRORS_403})
def resolution_detail(request, resolution_id: PathId):
    """One resolution or conclusion with its sections; a draft only for the cell's writers."""
    resolution = access.resolution.get_for_user(request.user, resolution_id)
    access.resolution.check_read_text(request.user, resolution)
    return _resolution_out(request, resolution)


@router.patch("/{resolution_id}", response={200: ResolutionDetailOut, **WRITE_ERRORS})
def resolution_update(request, resolution_id: PathId, payload: ResolutionIn):
    """Edit a draft: the fields sent change. An approved text is locked (422)."""
    resolution = access.resolution.get_for_user(request.user, resolution_id, write=True)
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    resolution = services.resolution_update(resolution=resolution, by=request.user, **fields)
    return _resolution_out(request, resolution)


@router.post("/{resolution_id}/approve", response={200: ResolutionDetailOut, **WRITE_ERRORS})
def resolution_approve(request, resolution_id: PathId):
    """Adopt and lock the text. A resolution needs the meeting's passing vote; an empty number gets the
    cell's next one for the year (`05-NQ/CB`, `02-KL/CB`)."""
    resolution = access.resolution.get_for_user(request.user, resolution_id, write=True)
    resolution = services.resolution_approve(resolution=resolution, by=request.user)
    return _resolution_out(request, resolution)


@meeting_router.post(
    "/{meeting_id}/resolution", response={200: ResolutionDetailOut, 201: ResolutionDetailOut, **WRITE_ERRORS}
)
def resolution_build(request, meeting_id: PathId, payload: ResolutionBuildIn = None):
    """Build the draft of an open or held meeting from what it recorded (201); an existing draft is
    returned as it is (200) unless `rebuild`. A regular meeting gives a resolution, a thematic one a
    conclusion."""
    meeting = get_meeting_for_user(request.user, meeting_id, write=True)
    existed = Resolution.objects.filter(meeting=meeting).exists()
    resolution = services.resolution_build(
        meeting=meeting, by=request.user, rebuild=bool(payload and payload.rebuild)
    )
    return Status(200 if existed else 201, _resolution_out(request, resolution))


# ---------------------------------------------------------------- tasks


@task_router.get("", response={200: list[TaskOut], **READ_ERRORS})
@paginate(Pagination)
def task_list(
    request,
    cell: int | None = Query(None, ge=1, le=MAX_ID, description="Id chi bộ."),
    cell_code: str | None = Query(None, max_length=40, pattern=r"^[^\x00]*$", description="Mã chi bộ."),
    member: int | None = Query(None, ge=1, le=MAX_ID, description="Id đảng viên được giao."),
    meeting: int | None = Query(None, ge=1, le=MAX_ID, description="Id buổi sinh hoạt giao nhiệm vụ."),
    status: TaskStatus | None = None,
    mine: bool = Query(False, description="Chỉ nhiệm vụ của chính bạn."),
    overdue: bool = Query(False, description="Chỉ nhiệm vụ đang làm đã quá hạn."),
):
    """Tasks the caller may see, by deadline."""
    qs = _cell_filter(access.tasks_visible_to(request.user), cell, cell_code)
    if member is not None:
        qs = qs.filter(member_id=member)
    if meeting is not None:
        qs = qs.filter(meeting_id=meeting)
    if status is not None:
        qs = qs.filter(status=status)
    if mine:
        me = access.own_member(request.user)
        qs = qs.filter(member=me) if me is not None else qs.none()
    if overdue:
        qs = qs.filter(status__in=ACTIVE_STATUSES, due_on__lt=today())
    return qs.select_related("cell", "member", "meeting", "carried_to").order_by("due_on", "pk")


@task_router.get("/{task_id}", response={200: TaskDetailOut, **READ_ERRORS})
def task_detail(request, task_id: PathId):
    """One task with its progress notes, and what the caller may do with it."""
    return _task_out(request, access.task.get_for_user(request.user, task_id))


@task_router.patch("/{task_id}", response={200: TaskDetailOut, **WRITE_ERRORS})
def task_update(request, task_id: PathId, payload: TaskUpdateIn):
    """Correct the text or the deadline of a task not yet evaluated (the cell's writers)."""
    task = access.task.get_for_user(request.user, task_id, write=True)
    sent = payload.dict(exclude_unset=True)
    task = services.task_update(task=task, by=request.user, text=sent.get("text"), due_on=sent.get("due_on"))
    return _task_out(request, task)


@task_router.post("/{task_id}/notes", response={201: TaskDetailOut, **WRITE_ERRORS})
def task_report(request, task_id: PathId, payload: TaskNoteIn):
    """The assignee reports: a note, a progress percentage, and/or `done`. Another member's task: 403
    (or 404 when it is not even visible to the caller)."""
    task = access.task.get_for_user(request.user, task_id)
    access.task.check_report(request.user, task)
    services.task_report(
        task=task, by=request.user, text=payload.text, progress=payload.progress, mark_done=payload.done
    )
    return Status(201, _task_out(request, task))


@task_router.post("/{task_id}/evaluate", response={200: TaskDetailOut, **WRITE_ERRORS})
def task_evaluate(request, task_id: PathId, payload: TaskEvaluateIn):
    """The cell's verdict: `done`, `not_done`, or `carried_over` with `new_due_on` (a follow-up task for
    the same member is created, `carried_to_id`). `meeting_id`: the meeting that evaluates it."""
    task = access.task.get_for_user(request.user, task_id)
    access.task.check_evaluate(request.user, task)
    meeting = _cell_meeting(task.cell_id, payload.meeting_id, "meeting_id")
    services.task_evaluate(
        task=task,
        meeting=meeting,
        outcome=payload.outcome,
        by=request.user,
        evaluation=payload.evaluation,
        new_due_on=payload.new_due_on,
    )
    return _task_out(request, task)


@meeting_router.post("/{meeting_id}/tasks", response={201: list[TaskOut], **WRITE_ERRORS})
def task_assign(request, meeting_id: PathId, payload: TaskAssignIn):
    """Assign the same text to members on the meeting's roll call: one task per member. Giving the same
    text twice to a member at one meeting is refused."""
    meeting = get_meeting_for_user(request.user, meeting_id, write=True)
    members = _roster_members(meeting, payload.member_ids)
    report_meeting = _cell_meeting(meeting.cell_id, payload.report_meeting_id, "report_meeting_id")
    with renamed_fields(members="member_ids", report_meeting="report_meeting_id"):
        tasks = services.task_assign(
            meeting=meeting,
            members=members,
            text=payload.text,
            due_on=payload.due_on,
            by=request.user,
            report_meeting=report_meeting,
        )
    return Status(201, list(_task_qs().filter(pk__in=[t.pk for t in tasks]).order_by("pk")))


@meeting_router.get("/{meeting_id}/task-coverage", response={200: CoverageOut, **READ_ERRORS_403})
def task_coverage(request, meeting_id: PathId):
    """T5 for the meeting's cell and month: the roster of the meeting's day against the tasks given at
    the cell's meetings held that month (and this one while it runs). Retired and exempted members are
    listed apart, never as gaps."""
    meeting = get_meeting_for_user(request.user, meeting_id)
    access.require_read_meeting_tasks(request.user, meeting)
    day = meeting_date(meeting)
    coverage = selectors.task_coverage(meeting.cell, day, include_open=meeting.status == MeetingStatus.OPEN)
    return {
        "meeting_id": meeting.pk,
        "cell_id": meeting.cell_id,
        "day": day,
        "numerator": coverage.numerator,
        "denominator": coverage.denominator,
        "rate": round(100 * coverage.numerator / coverage.denominator, 1) if coverage.denominator else None,
        "covered": coverage.covered,
        "gaps": coverage.gaps,
        "not_working": coverage.not_working,
        "exempt": coverage.exempt,
    }
