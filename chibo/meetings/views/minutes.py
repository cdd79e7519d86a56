"""Minutes pages: read, build from the record, edit the draft, approve (lock), amend, download DOCX/PDF.

Anyone who sees the meeting reads approved minutes and downloads them; drafts, edits and amendments
belong to those who may write the cell (403 for the others, 404 outside their subtree).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from chibo.common.forms import add_service_errors
from chibo.meetings import access
from chibo.meetings.documents import CONTENT_TYPES, FORMATS, body_blocks, minutes_document, minutes_file
from chibo.meetings.documents import minutes_filename as file_name
from chibo.meetings.forms import AmendmentForm, ApproveForm, MinutesForm
from chibo.meetings.models import Meeting, MeetingStatus, Minutes, MinutesStatus
from chibo.meetings.services.minutes import (
    minutes_amend,
    minutes_approve,
    minutes_build,
    minutes_deadline,
    minutes_export_logged,
    minutes_on_time,
    minutes_update,
)
from chibo.orgs.access import visible_ancestors


def _minutes_of(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.select_related("approved_by", "meeting__cell").filter(meeting=meeting).first()


def _page(request, meeting: Meeting, template: str, **context):
    return render(
        request,
        template,
        {
            "meeting": meeting,
            "cell": meeting.cell,
            "ancestors": visible_ancestors(request.user, meeting.cell),
            **context,
        },
    )


def minutes_detail(request, pk: int):
    meeting = access.meeting.get_for_user(request.user, pk)
    can_write = access.meeting.can_edit(request.user, meeting)
    minutes = _minutes_of(meeting)
    if minutes is not None:
        access.minutes.check_read(request.user, minutes)
    doc = minutes_document(minutes) if minutes is not None else None
    return _page(
        request,
        meeting,
        "meetings/minutes/detail.html",
        minutes=minutes,
        doc=doc,
        can_write=can_write,
        can_build=meeting.status in (MeetingStatus.OPEN, MeetingStatus.HELD),
        approve_form=ApproveForm(),
        on_time=minutes_on_time(meeting),
        deadline=minutes_deadline(meeting),
    )


@require_POST
def minutes_build_view(request, pk: int):
    meeting = access.meeting.get_for_user(request.user, pk, write=True)
    rebuild = request.POST.get("lam_lai") == "1"
    existed = Minutes.objects.filter(meeting=meeting).exists()
    try:
        minutes_build(meeting=meeting, by=request.user, rebuild=rebuild)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("meetings:minutes", pk=meeting.pk)
    if rebuild:
        messages.success(request, "Đã lập lại dự thảo biên bản từ dữ liệu đã ghi.")
        return redirect("meetings:minutes", pk=meeting.pk)
    if existed:
        # A second tap on "build" keeps the draft the secretary is editing.
        messages.info(request, "Biên bản đã có; giữ nguyên bản đang sửa.")
        return redirect("meetings:minutes", pk=meeting.pk)
    messages.success(request, "Đã lập dự thảo biên bản từ dữ liệu đã ghi; hãy đọc lại và sửa nếu cần.")
    return redirect("meetings:minutes_edit", pk=meeting.pk)


def minutes_edit(request, pk: int):
    meeting = access.meeting.get_for_user(request.user, pk, write=True)
    minutes = _minutes_of(meeting)
    if minutes is None:
        raise Http404("Buổi sinh hoạt chưa có biên bản.")
    access.minutes.check_edit(request.user, minutes)
    form = MinutesForm(request.POST or None, initial={"number": minutes.number, "body": minutes.body})
    if request.method == "POST" and form.is_valid():
        try:
            minutes_update(
                minutes=minutes,
                body=form.cleaned_data["body"],
                number=form.cleaned_data["number"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã lưu dự thảo biên bản.")
            return redirect("meetings:minutes", pk=meeting.pk)
    return _page(request, meeting, "meetings/minutes/edit.html", minutes=minutes, form=form)


@require_POST
def minutes_approve_view(request, pk: int):
    meeting = access.meeting.get_for_user(request.user, pk, write=True)
    minutes = _minutes_of(meeting)
    if minutes is None:
        raise Http404("Buổi sinh hoạt chưa có biên bản.")
    form = ApproveForm(request.POST)
    form.is_valid()  # one optional checkbox: always valid; the service decides what it means
    try:
        minutes = minutes_approve(
            minutes=minutes, confirmed=bool(form.cleaned_data.get("confirm")), by=request.user
        )
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
        return redirect(reverse("meetings:minutes", args=[meeting.pk]) + "#thong-qua")
    else:
        messages.success(request, f"Đã thông qua biên bản số {minutes.number}; biên bản đã được khóa.")
    return redirect("meetings:minutes", pk=meeting.pk)


def minutes_amend_view(request, pk: int):
    meeting = access.meeting.get_for_user(request.user, pk, write=True)
    minutes = _minutes_of(meeting)
    if minutes is None:
        raise Http404("Buổi sinh hoạt chưa có biên bản.")
    if minutes.status != MinutesStatus.APPROVED:
        messages.info(request, "Biên bản còn là dự thảo: hãy sửa trực tiếp nội dung.")
        return redirect("meetings:minutes_edit", pk=meeting.pk)
    form = AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            minutes_amend(minutes=minutes, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã ghi đính chính biên bản.")
            return redirect("meetings:minutes", pk=meeting.pk)
    return _page(
        request,
        meeting,
        "meetings/minutes/amend.html",
        minutes=minutes,
        form=form,
        blocks=body_blocks(minutes.body),
    )


def minutes_download(request, pk: int, fmt: str):
    if fmt not in FORMATS:
        raise Http404("Chỉ tải được biên bản dạng PDF hoặc DOCX.")
    meeting = access.meeting.get_for_user(request.user, pk)
    minutes = _minutes_of(meeting)
    if minutes is None:
        raise Http404("Buổi sinh hoạt chưa có biên bản.")
    access.minutes.check_read(request.user, minutes)
    content = minutes_file(minutes, fmt)
    minutes_export_logged(minutes=minutes, by=request.user)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{file_name(minutes, fmt)}"'
    return response
