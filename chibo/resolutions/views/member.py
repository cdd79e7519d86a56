"""Member-side pages: a task with its progress notes (report progress, attach a file, mark done), my
tasks, a member's task history and a cell's completion per month. Thin: forms → services."""

from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Count, F, Q, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from chibo.common.dates import today
from chibo.common.forms import Form, add_service_errors
from chibo.common.http import open_stored
from chibo.common.paging import paginate
from chibo.meetings.services.minutes import meeting_date, percent
from chibo.members.access import get_member_for_user
from chibo.orgs.access import can_see_org, get_org_for_user, visible_ancestors
from chibo.resolutions import access, rules, selectors, services
from chibo.resolutions.models import TaskNote, TaskStatus

ACCEPT = ",".join(rules.NOTE_EXTENSIONS)
MAX_MB = rules.NOTE_MAX_BYTES // (1024 * 1024)


# --- forms --------------------------------------------------------------------------------------------


class ReportForm(Form):
    text = forms.CharField(
        label="Nội dung báo cáo",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Đã làm được gì, còn vướng mắc gì"}),
    )
    progress = forms.IntegerField(
        label="Tiến độ (%)",
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    file = forms.FileField(
        label="Tệp đính kèm",
        required=False,
        help_text=f"PDF, DOCX, XLSX hoặc ảnh chụp (JPG, PNG, WEBP); tối đa {MAX_MB} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress"].error_messages.update(
            invalid="Tiến độ (%): phải là một số từ 0 đến 100.",
            # These two are %-formatted with the limit by Django, hence the doubled percent sign.
            min_value="Tiến độ (%%): không được nhỏ hơn 0.",
            max_value="Tiến độ (%%): không được lớn hơn 100.",
        )
        self.fields["file"].error_messages.update(
            empty="Tệp đính kèm: tệp rỗng.",
            invalid="Tệp đính kèm: không đọc được tệp; hãy chọn lại.",
            missing="Tệp đính kèm: không nhận được tệp; hãy chọn lại.",
            max_length="Tệp đính kèm: tên tệp quá dài.",
        )


# --- helpers ------------------------------------------------------------------------------------------


def _with_due_flags(tasks, day):
    """Mark each task overdue / due soon for display (the rules decide, the template only shows)."""
    for task in tasks:
        task.overdue = rules.is_overdue(status=task.status, due_on=task.due_on, today=day)
        task.due_soon = rules.is_due_soon(status=task.status, due_on=task.due_on, today=day)
    return tasks


def _open_q() -> Q:
    # Task.is_open as a query: not evaluated and not carried over.
    return Q(evaluated_at__isnull=True) & ~Q(status=TaskStatus.CARRIED_OVER)


def _counts(queryset) -> dict:
    evaluated = Q(evaluated_at__isnull=False)
    return queryset.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=_open_q()),
        done=Count("pk", filter=evaluated & Q(status=TaskStatus.DONE)),
        not_done=Count("pk", filter=evaluated & Q(status=TaskStatus.NOT_DONE)),
        carried_over=Count("pk", filter=Q(status=TaskStatus.CARRIED_OVER)),
    )


def _ancestors(request, org):
    return visible_ancestors(request.user, org) if can_see_org(request.user, org) else []


# --- a task and its progress notes --------------------------------------------------------------------


def _task_page(request, task, form=None):
    user = request.user
    notes = list(task.notes.select_related("author__member").order_by("created_at", "pk"))
    for note in notes:
        note.file_name = Path(note.file.name).name if note.file else ""
    can_report = task.is_open and rules.member_may_update(task.status) and access.task.can_report(user, task)
    resolution = access.resolutions_visible_to(user).filter(meeting_id=task.meeting_id).first()
    carried_to = getattr(task, "carried_to", None)
    visible = set(
        access.tasks_visible_to(user)
        .filter(pk__in=[t.pk for t in (task.carried_from, carried_to) if t is not None])
        .values_list("pk", flat=True)
    )
    _with_due_flags([task], today())
    context = {
        "task": task,
        "cell": task.cell,
        "ancestors": _ancestors(request, task.cell),
        "notes": notes,
        "can_report": can_report,
        "form": form if form is not None else ReportForm(),
        "resolution": resolution,
        "carried_from": task.carried_from if task.carried_from_id in visible else None,
        "carried_to": carried_to if carried_to is not None and carried_to.pk in visible else None,
        "origin_day": meeting_date(task.meeting),
        "report_day": meeting_date(task.report_meeting) if task.report_meeting_id else None,
        "evaluated_day": meeting_date(task.evaluated_in) if task.evaluated_in_id else None,
    }
    return render(request, "resolutions/task_detail.html", context)


def task_detail(request, pk: int):
    return _task_page(request, access.task.get_for_user(request.user, pk))


@require_POST
def task_report_view(request, pk: int):
    task = access.task.get_for_user(request.user, pk)
    access.task.check_report(request.user, task)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        done = request.POST.get("action") == "done"
        try:
            services.task_report(
                task=task,
                by=request.user,
                text=data["text"],
                progress=data["progress"],
                file=data["file"] or None,
                mark_done=done,
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # The task is locked (already evaluated): nothing to correct on the form.
                messages.error(request, " ".join(error.messages))
                return redirect("resolutions:task", task.pk)
            add_service_errors(form, error)
        else:
            if done:
                messages.success(
                    request, "Đã báo hoàn thành nhiệm vụ. Chi bộ sẽ đánh giá tại buổi sinh hoạt kiểm điểm."
                )
            else:
                messages.success(request, "Đã ghi nhận báo cáo tiến độ.")
            return redirect("resolutions:task", task.pk)
    return _task_page(request, task, form)


def note_file(request, pk: int):
    note = (
        TaskNote.objects.filter(pk=pk, task__in=access.tasks_visible_to(request.user).values("pk"))
        .exclude(file="")
        .first()
    )
    if note is None:
        raise Http404("Không tìm thấy tệp đính kèm.")
    name = Path(note.file.name).name
    content_type = rules.NOTE_EXTENSIONS.get(Path(name).suffix.lower(), "application/octet-stream")
    response = FileResponse(
        open_stored(note.file), as_attachment=True, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- my tasks, a member's history, a cell's completion ------------------------------------------------


def my_tasks(request):
    member = access.own_member(request.user)
    if member is None:
        raise Http404("Tài khoản này không gắn với hồ sơ đảng viên nào.")
    tasks = selectors.member_tasks(member)
    counts = _counts(tasks)
    # Open tasks first, nearest deadline first; then the history, newest first.
    ordered = tasks.annotate(
        open_first=Case(When(_open_q(), then=Value(True)), default=Value(False), output_field=BooleanField())
    ).order_by(
        F("open_first").desc(),
        Case(When(_open_q(), then=F("due_on"))).asc(nulls_last=True),
        "-origin_moment",
        "-pk",
    )
    page = paginate(request, ordered)
    _with_due_flags(page.object_list, today())
    return render(
        request, "resolutions/member/my_tasks.html", {"member": member, "page": page, "counts": counts}
    )


def member_history(request, pk: int):
    member = get_member_for_user(request.user, pk)
    access.require_see_member_tasks(request.user, member)
    # Only the tasks of cells the user may read: a member who moved keeps their old cell's tasks private.
    tasks = selectors.member_tasks(member).filter(pk__in=access.tasks_visible_to(request.user).values("pk"))
    page = paginate(request, tasks)
    _with_due_flags(page.object_list, today())
    return render(
        request,
        "resolutions/member/history.html",
        {
            "member": member,
            "page": page,
            "counts": _counts(tasks),
            "is_self": access.own_member(request.user) == member,
        },
    )


def _year(request, default: int) -> int:
    raw = request.GET.get("nam", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else default


def cell_completion(request, pk: int):
    cell = get_org_for_user(request.user, pk, read_members=True)
    if not cell.is_cell:
        raise Http404("Chỉ chi bộ mới có nhiệm vụ của đảng viên.")
    day = today()
    year = _year(request, day.year)
    months = selectors.cell_completion(cell, year)
    for month in months:
        month["rate_text"] = percent(month["done"], month["closed"])
    totals = {
        key: sum(m[key] for m in months)
        for key in ("total", "done", "not_done", "carried_over", "open", "closed")
    }
    totals["rate_text"] = percent(totals["done"], totals["closed"])
    coverage = selectors.task_coverage(cell, day)
    return render(
        request,
        "resolutions/member/cell_completion.html",
        {
            "cell": cell,
            "ancestors": visible_ancestors(request.user, cell),
            "year": year,
            "months": months,
            "totals": totals,
            "coverage": coverage,
            "coverage_rate": percent(coverage.numerator, coverage.denominator),
            "today": day,
        },
    )


urlpatterns_member = [
    path("<int:pk>/bao-cao/", task_report_view, name="report"),
    path("ghi-nhan/<int:pk>/tep/", note_file, name="note_file"),
    path("cua-toi/", my_tasks, name="mine"),
    path("dang-vien/<int:pk>/", member_history, name="member_history"),
    path("chi-bo/<int:pk>/", cell_completion, name="cell_completion"),
]
