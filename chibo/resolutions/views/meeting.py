"""Meeting-side pages: assigning tasks with the T5 coverage panel, the "review tasks" step, and the
resolution or conclusion (build, edit, approve, view). Thin: forms → services.

Task lists name every member's work, so they are for those who read the cell's members in full (its
leaders, committee staff and supervisors above); only those who write the cell assign and evaluate."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from chibo.common.collation import name_order
from chibo.common.forms import add_service_errors, submit_form
from chibo.common.paging import paginate
from chibo.meetings.access import get_meeting_for_user
from chibo.meetings.models import Meeting, MeetingStatus
from chibo.meetings.services.minutes import meeting_date
from chibo.members.models import Member
from chibo.members.selectors import roster_on
from chibo.orgs.access import can_write_org, get_org_for_user, visible_ancestors
from chibo.resolutions import access, selectors, services
from chibo.resolutions.forms import AssignForm, EvaluateForm, ResolutionForm, TaskEditForm
from chibo.resolutions.models import Resolution, ResolutionKind, ResolutionStatus, TaskNote

ACTIVE_MEETING = (MeetingStatus.OPEN, MeetingStatus.HELD)


def _meeting(request, pk: int) -> Meeting:
    """GET reads (those who read the cell's members), POST writes (the cell's leaders): 404 / 403."""
    meeting = get_meeting_for_user(request.user, pk, write=request.method == "POST")
    access.require_read_meeting_tasks(request.user, meeting)
    return meeting


def _roster(meeting: Meeting):
    """Who may be given a task: the meeting's roll call once it opened, else the roster of its day."""
    on_roll = Member.objects.filter(attendances__meeting=meeting).order_by(*name_order())
    return on_roll if on_roll.exists() else roster_on(meeting.cell, meeting_date(meeting))


def _later_meetings(meeting: Meeting):
    return (
        Meeting.objects.filter(cell_id=meeting.cell_id, scheduled_at__gt=meeting.scheduled_at)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("scheduled_at")[:12]
    )


def _assign_url(meeting_pk: int, anchor: str = "") -> str:
    return reverse("resolutions:assign", args=[meeting_pk]) + (f"#{anchor}" if anchor else "")


def _page(request, template: str, meeting: Meeting, **extra):
    return render(
        request,
        template,
        {"meeting": meeting, "cell": meeting.cell, "ancestors": visible_ancestors(request.user, meeting.cell)}
        | extra,
    )


# --- assigning tasks (T5) ------------------------------------------------------------------------------


def assign(request, pk: int):
    meeting = _meeting(request, pk)
    coverage = selectors.task_coverage(meeting.cell, meeting_date(meeting), include_open=True)
    later = _later_meetings(meeting)
    default_report = selectors.next_regular_meeting(meeting)
    form = AssignForm(
        request.POST or None,
        members=_roster(meeting),
        later_meetings=Meeting.objects.filter(pk__in=[m.pk for m in later]).order_by("scheduled_at"),
        initial={
            "members": [m.pk for m in coverage.gaps],
            "report_meeting": default_report.pk if default_report else None,
        },
    )

    def give(data):
        services.task_assign(
            meeting=meeting,
            members=data["members"],
            text=data["text"],
            due_on=data["due_on"],
            report_meeting=data["report_meeting"],
            by=request.user,
        )

    done = submit_form(
        request,
        form,
        give,
        success=lambda data: f"Đã giao nhiệm vụ cho {len(data['members'])} đảng viên.",
        then=_assign_url(meeting.pk, "da-giao"),
    )
    if done:
        return done
    can_write = access.can_assign_at(request.user, meeting)
    return _page(
        request,
        "resolutions/meeting/assign.html",
        meeting,
        form=form,
        coverage=coverage,
        gap_ids={m.pk for m in coverage.gaps},
        can_assign=can_write and meeting.status in ACTIVE_MEETING,
        can_write=can_write,
        page=paginate(request, selectors.tasks_of_meeting(meeting)),
    )


def task_edit(request, pk: int):
    """Correct a task's text or deadline (the cell's writers, before it is evaluated)."""
    task = access.task.get_for_user(request.user, pk)
    access.task.check_evaluate(request.user, task)
    form = TaskEditForm(request.POST or None, initial={"text": task.text, "due_on": task.due_on})
    done = submit_form(
        request,
        form,
        lambda data: services.task_update(
            task=task, text=data["text"], due_on=data["due_on"], by=request.user
        ),
        success=f"Đã sửa nhiệm vụ của đồng chí {task.member.full_name}.",
        then=_assign_url(task.meeting_id, "da-giao"),
    )
    return done or _page(request, "resolutions/meeting/task_edit.html", task.meeting, task=task, form=form)


def task_delete(request, pk: int):
    """GET asks for confirmation; POST deletes a task given by mistake."""
    task = access.task.get_for_user(request.user, pk)
    access.task.check_evaluate(request.user, task)
    if request.method == "POST":
        try:
            services.task_delete(task=task, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Đã xóa nhiệm vụ của đồng chí {task.member.full_name}.")
        return redirect(_assign_url(task.meeting_id, "da-giao"))
    return _page(request, "resolutions/meeting/task_delete.html", task.meeting, task=task)


# --- the "review tasks" step ---------------------------------------------------------------------------


def review(request, pk: int):
    return _review_page(request, _meeting(request, pk))


def _review_page(request, meeting: Meeting, *, bound=None):
    """The step's page; `bound` is the (task, form) just posted and refused, shown as the user left it."""
    can_write = access.can_assign_at(request.user, meeting)
    can_evaluate = can_write and meeting.status in ACTIVE_MEETING
    page = paginate(request, selectors.review_tasks(meeting))
    latest = {}
    tasks = list(page)
    if bound and all(task.pk != bound[0].pk for task in tasks):
        tasks.insert(0, bound[0])  # posted from another page of the list
    for note in TaskNote.objects.filter(task__in=[t.pk for t in tasks]).order_by("-created_at", "-pk"):
        latest.setdefault(note.task_id, note)
    rows = []
    for task in tasks:
        form = None
        if bound and bound[0].pk == task.pk:
            form = bound[1]
        elif can_evaluate and task.is_open:
            form = EvaluateForm(
                auto_id=f"nv{task.pk}_%s",
                initial={"meeting": meeting.pk, "outcome": "done" if task.completed_at else None},
            )
        rows.append({"task": task, "note": latest.get(task.pk), "form": form})
    return _page(
        request,
        "resolutions/meeting/review.html",
        meeting,
        page=page,
        rows=rows,
        can_evaluate=can_evaluate,
        can_write=can_write,
        day=meeting_date(meeting),
    )


def _page_query(request) -> str:
    number = request.GET.get("trang", "")
    return f"?trang={number}" if number.isdigit() and number != "1" else ""


@require_POST
def evaluate(request, pk: int):
    task = access.task.get_for_user(request.user, pk)
    access.task.check_evaluate(request.user, task)
    form = EvaluateForm(request.POST, auto_id=f"nv{task.pk}_%s")
    valid = form.is_valid()
    meeting_pk = form.cleaned_data.get("meeting")
    if meeting_pk is None:
        messages.error(request, "Thiếu buổi sinh hoạt đánh giá nhiệm vụ.")
        return redirect(_assign_url(task.meeting_id))
    meeting = get_meeting_for_user(request.user, meeting_pk, write=True)
    back = reverse("resolutions:review", args=[meeting.pk]) + _page_query(request) + f"#nv-{task.pk}"
    if valid:
        data = form.cleaned_data
        try:
            task = services.task_evaluate(
                task=task,
                meeting=meeting,
                outcome=data["outcome"],
                evaluation=data["evaluation"],
                new_due_on=data["new_due_on"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Đồng chí {task.member.full_name}: đã đánh giá nhiệm vụ — {task.get_status_display()}.",
            )
            return redirect(back)
    # Refused: the page again with this task's form as it was filled in (its comment, its choice).
    return _review_page(request, meeting, bound=(task, form))


# --- resolutions and conclusions -----------------------------------------------------------------------


@require_POST
def build(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    rebuild = request.POST.get("rebuild") == "1"
    existed = Resolution.objects.filter(meeting=meeting).exists()
    try:
        resolution = services.resolution_build(meeting=meeting, by=request.user, rebuild=rebuild)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        current = Resolution.objects.filter(meeting=meeting).first()
        return redirect(current or meeting)
    if rebuild:
        messages.success(request, "Đã lập lại các phần tự động của dự thảo từ dữ liệu buổi sinh hoạt.")
    elif existed:
        # A second tap on "build" keeps the draft being edited.
        messages.info(request, "Văn bản đã có; giữ nguyên bản đang sửa.")
    else:
        messages.success(
            request,
            f"Đã lập dự thảo {resolution.get_kind_display().lower()} từ dữ liệu buổi sinh hoạt; "
            "hãy đọc lại và sửa nếu cần.",
        )
    return redirect(resolution)


def _url_or_none(name: str, pk: int) -> str | None:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # the downloads live in views/documents.py
        return None


def _sections(resolution: Resolution) -> list[tuple[str, str]]:
    return [
        ("Tình hình buổi sinh hoạt", resolution.preamble),
        ("Kết quả thực hiện nhiệm vụ tháng trước", resolution.results),
        ("Phương hướng, nhiệm vụ tháng tới", resolution.direction),
        ("Phân công nhiệm vụ", resolution.assignments),
        ("Tự đánh giá chất lượng buổi sinh hoạt", resolution.self_assessment),
    ]


def resolution_detail(request, pk: int):
    resolution = access.resolution.get_for_user(request.user, pk)
    can_write = access.resolution.can_edit(request.user, resolution)
    access.resolution.check_read_text(request.user, resolution)
    return _page(
        request,
        "resolutions/resolution_detail.html",
        resolution.meeting,
        resolution=resolution,
        sections=_sections(resolution),
        vote=resolution.vote,
        can_write=can_write,
        docx_url=_url_or_none("resolutions:docx", resolution.pk),
        pdf_url=_url_or_none("resolutions:pdf", resolution.pk),
    )


def resolution_edit(request, pk: int):
    resolution = access.resolution.get_for_user(request.user, pk, write=True)
    if resolution.is_locked:
        messages.error(request, services.LOCKED)
        return redirect(resolution)
    form = ResolutionForm(
        request.POST or None, initial={name: getattr(resolution, name) for name in services.EDITABLE}
    )
    done = submit_form(
        request,
        form,
        lambda data: services.resolution_update(resolution=resolution, by=request.user, **data),
        success=f"Đã lưu dự thảo {resolution.get_kind_display().lower()}.",
        then=resolution.get_absolute_url(),
    )
    return done or _page(
        request, "resolutions/resolution_edit.html", resolution.meeting, resolution=resolution, form=form
    )


@require_POST
def resolution_approve(request, pk: int):
    resolution = access.resolution.get_for_user(request.user, pk, write=True)
    try:
        resolution = services.resolution_approve(resolution=resolution, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Đã thông qua {resolution}; văn bản đã được khóa.")
    return redirect(resolution)


def cell_list(request, pk: int):
    """The cell's book of resolutions and conclusions for a year (?nam=YYYY)."""
    cell = get_org_for_user(request.user, pk)
    if not cell.is_cell:
        raise Http404("Chỉ chi bộ mới có sổ nghị quyết, kết luận.")
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("nam", this_year))
    except ValueError:
        year = this_year
    if not 1930 <= year <= this_year + 1:
        year = this_year
    can_write = can_write_org(request.user, cell)
    items = (
        access.resolutions_visible_to(request.user)
        .filter(cell=cell, year=year)
        .select_related("meeting", "vote")
    )
    if not can_write:
        items = items.filter(status=ResolutionStatus.APPROVED)
    counts = {
        kind: items.filter(kind=kind).count()
        for kind in (ResolutionKind.RESOLUTION, ResolutionKind.CONCLUSION)
    }
    return render(
        request,
        "resolutions/resolution_cell_list.html",
        {
            "cell": cell,
            "ancestors": visible_ancestors(request.user, cell),
            "year": year,
            "years": [y for y in (year - 1, year + 1) if y <= this_year],
            "page": paginate(request, items),
            "counts": counts,
            "can_write": can_write,
            "pending": _meetings_without_text(cell, year) if can_write else [],
        },
    )


def _meetings_without_text(cell, year: int):
    """Held meetings of the year with no resolution or conclusion yet: the leader's to-do."""
    return (
        Meeting.objects.filter(cell=cell, status=MeetingStatus.HELD, resolution__isnull=True)
        .filter(Q(started_at__year=year) | Q(started_at__isnull=True, scheduled_at__year=year))
        .order_by("scheduled_at")[:20]
    )


urlpatterns_meeting = [
    path("sinh-hoat/<int:pk>/giao/", assign, name="assign"),
    path("giao/<int:pk>/sua/", task_edit, name="assigned_edit"),
    path("giao/<int:pk>/xoa/", task_delete, name="assigned_delete"),
    path("sinh-hoat/<int:pk>/kiem-diem/", review, name="review"),
    path("<int:pk>/danh-gia/", evaluate, name="evaluate"),
    path("sinh-hoat/<int:pk>/nghi-quyet/", build, name="build"),
    path("nghi-quyet/<int:pk>/sua/", resolution_edit, name="edit"),
    path("nghi-quyet/<int:pk>/thong-qua/", resolution_approve, name="approve"),
    path("chi-bo/<int:pk>/nghi-quyet/", cell_list, name="cell_list"),
]
