"""Running a meeting on a phone: the step-by-step screen, the roll call, votes, the check-in QR code,
members' own check-in and the printable papers (issue 3 §4, §7).

Every screen works without JavaScript (plain forms, redirect after POST); with htmx the step and
roll-call forms swap just their own block and the live attendance rate.
"""

import datetime as dt

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from chibo.audit.services import audit_read
from chibo.common.collation import name_order
from chibo.common.forms import add_service_errors
from chibo.common.paging import paginate
from chibo.meetings import access, rules
from chibo.meetings.forms import (
    AttendanceForm,
    CloseForm,
    GuestForm,
    MeetingStepForm,
    OfficersEditForm,
    OfficersForm,
    SpeechForm,
    TimesForm,
    VoteForm,
    at,
)
from chibo.meetings.models import (
    AbsenceReport,
    Attendance,
    AttendanceStatus,
    Guest,
    Meeting,
    MeetingStatus,
    MeetingStep,
    Speech,
    Vote,
)
from chibo.meetings.services import preparation as prep
from chibo.meetings.services.running import (
    CheckinRefused,
    attendance_mark,
    attendance_mark_all_present,
    attendance_summary,
    checkin_problem,
    default_end,
    guest_add,
    guest_delete,
    meeting_close,
    meeting_day,
    meeting_duration_ok,
    meeting_open,
    meeting_set_officers,
    meeting_set_times,
    member_checkin,
    minimum_minutes,
    minutes_locked,
    speech_add,
    speech_delete,
    step_update,
    vote_delete,
    vote_record,
)
from chibo.members.models import Member, PositionKind
from chibo.members.selectors import positions_on, roster_on

# --- helpers -------------------------------------------------------------------------------------------


def _meeting(request, pk: int) -> Meeting:
    return access.meeting.get_for_user(request.user, pk, write=True)


def _run_url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("meetings:run", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


def _detail_url(meeting: Meeting) -> str:
    try:
        return meeting.get_absolute_url()
    except NoReverseMatch:  # the detail page belongs to planning; until it exists, the run screen stands in
        return _run_url(meeting)


def _local(moment: dt.datetime | None):
    return timezone.localtime(moment) if moment else None


def checkin_url(request, meeting: Meeting) -> str:
    return request.build_absolute_uri(reverse("meetings:checkin", args=[meeting.pk, meeting.checkin_token]))


def qr_svg(url: str) -> str:
    """The QR code as inline SVG, made here (segno): nothing leaves the machine."""
    return segno.make(url, error="m").svg_inline(scale=6, border=2, dark="#000", light="#fff", omitsize=True)


def _roster_members(meeting: Meeting):
    if meeting.status == MeetingStatus.PLANNED:
        return roster_on(meeting.cell, meeting_day(meeting))
    return Member.objects.filter(attendances__meeting=meeting).order_by(*name_order())


# --- the step-by-step screen --------------------------------------------------------------------------


def _start_initial(meeting: Meeting, now: dt.datetime) -> dt.datetime:
    """The start the opening form proposes: the scheduled time once it has come, else now (a start
    still ahead cannot be recorded, rules.future_problem)."""
    local_start = _local(meeting.started_at) or _local(meeting.scheduled_at)
    return min(local_start, now).replace(second=0, microsecond=0)


def _day_time(moment: dt.datetime, day: str, time: str) -> dict:
    local = _local(moment)
    return {day: local.date(), time: local.time().replace(second=0, microsecond=0)}


def _close_form(meeting: Meeting, data=None, *, ask_short: bool = False) -> CloseForm:
    end = meeting.ended_at or default_end(meeting)
    return CloseForm(data, auto_id="ket_thuc_%s", ask_short=ask_short, initial=_day_time(end, "day", "end"))


def _times_form(meeting: Meeting, data=None, *, ask_short: bool = False) -> TimesForm:
    initial = _day_time(meeting.started_at or meeting.scheduled_at, "start_day", "start")
    if meeting.ended_at:
        initial |= _day_time(meeting.ended_at, "end_day", "end")
    return TimesForm(
        data,
        auto_id="gio_%s",
        held=meeting.status == MeetingStatus.HELD,
        ask_short=ask_short,
        initial=initial,
    )


def _times_context(meeting: Meeting) -> dict:
    return {
        "minimum": minimum_minutes(meeting),
        "duration_ok": meeting_duration_ok(meeting),
        "duration": rules.duration_minutes(meeting.started_at, meeting.ended_at),
        "times_locked": minutes_locked(meeting),
    }


def run(request, pk: int):
    return _run_page(request, _meeting(request, pk))


def _run_page(request, meeting: Meeting, *, officers_form=None, speech_form=None, refused_step=None):
    """The step-by-step screen; a form just posted and refused is shown as it was filled in, with its
    errors, in place of a fresh one."""
    members = _roster_members(meeting)
    now = _local(timezone.now())
    start = _start_initial(meeting, now)
    context = {
        "meeting": meeting,
        "detail_url": _detail_url(meeting),
        "officers_refused": officers_form is not None,
    }
    if meeting.status == MeetingStatus.PLANNED:
        context["officers_form"] = officers_form or OfficersForm(
            members=members, initial={"day": start.date(), "start": start.time()}
        )
    else:
        context.update(
            officers_form=officers_form
            or OfficersEditForm(
                members=members,
                initial={"chair": meeting.chair_id, "minute_taker": meeting.minute_taker_id},
            ),
            **_steps_context(meeting, refused_step=refused_step),
            speeches=meeting.speeches.select_related("member", "guest", "step"),
            speech_form=speech_form or SpeechForm(meeting=meeting),
            close_form=_close_form(meeting),
            times_form=_times_form(meeting),
            summary=attendance_summary(meeting),
            votes=meeting.votes.all(),
            **_times_context(meeting),
        )
    return render(request, "meetings/running/run.html", context)


def _steps_context(meeting: Meeting, *, refused_step=None, touched=None) -> dict:
    """The steps as a sequence (rules.step_sequence). `refused_step` replaces its row to show the error;
    `touched` (a step whose notes were just saved) stays open where it is."""
    steps = [
        refused_step if refused_step and s.pk == refused_step.pk else s
        for s in meeting.steps.select_related("rule_step")
    ]
    seq = rules.step_sequence(steps, done=lambda s: s.done)
    touched = touched or refused_step
    return {
        "seq": seq,
        "touched_pk": touched.pk if touched else None,
        "open_done": touched is not None and any(s.pk == touched.pk for s in seq.before),
    }


@require_POST
def open_view(request, pk: int):
    meeting = _meeting(request, pk)
    form = OfficersForm(request.POST, members=_roster_members(meeting))
    if form.is_valid():
        try:
            meeting = meeting_open(
                meeting=meeting,
                started_at=form.started_at(),
                chair=form.cleaned_data["chair"],
                minute_taker=form.cleaned_data["minute_taker"],
                by=request.user,
            )
        except ValidationError as error:
            if meeting.status != MeetingStatus.PLANNED:
                messages.error(request, " ".join(error.messages))
                return redirect(_run_url(meeting))
            add_service_errors(form, error, {"started_at": "start"})
        else:
            messages.success(request, "Buổi sinh hoạt đã bắt đầu. Hãy điểm danh và làm theo từng bước.")
            if meeting.time_note:
                messages.info(request, f"Lịch đã chuyển sang ngày họp thực tế. {meeting.time_note}")
            return redirect(_run_url(meeting))
    return _run_page(request, meeting, officers_form=form)


@require_POST
def officers_view(request, pk: int):
    meeting = _meeting(request, pk)
    form = OfficersEditForm(request.POST, members=_roster_members(meeting))
    if form.is_valid():
        try:
            meeting_set_officers(
                meeting=meeting,
                chair=form.cleaned_data["chair"],
                minute_taker=form.cleaned_data["minute_taker"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã lưu chủ trì, thư ký.")
            return redirect(_run_url(meeting, "chu-tri"))
    return _run_page(request, meeting, officers_form=form)


def _times_step(request, meeting: Meeting, form, *, partial: str, section: str, status: int = 200):
    """A refused close or correction: the section again with what was typed and the errors (with htmx,
    only the section; without, a page of its own). A short meeting asks for the confirmation here."""
    context = {"meeting": meeting, "detail_url": _detail_url(meeting), "section": partial, section: form}
    context.update(_times_context(meeting))
    if request.htmx:
        return render(request, partial, context, status=status)
    return render(request, "meetings/running/times.html", context, status=status)


def _asked_short(request, error: ValidationError) -> bool:
    return "confirm_short" in request.POST or (
        hasattr(error, "error_dict") and "confirm_short" in error.error_dict
    )


def _done(request, meeting: Meeting, anchor: str = ""):
    url = _run_url(meeting, anchor)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_POST
def close_view(request, pk: int):
    meeting = _meeting(request, pk)
    form = _close_form(meeting, request.POST, ask_short=True)
    if form.is_valid():
        try:
            meeting_close(
                meeting=meeting,
                ended_at=form.ended_at(),
                confirm_short=form.confirmed_short(),
                by=request.user,
            )
        except ValidationError as error:
            if meeting.status != MeetingStatus.OPEN:
                messages.error(request, " ".join(error.messages))
                return _done(request, meeting)
            if not _asked_short(request, error):
                del form.fields["confirm_short"]
            add_service_errors(form, error, {"ended_at": "end"})
        else:
            messages.success(request, "Buổi sinh hoạt đã kết thúc.")
            return _done(request, meeting)
    elif "confirm_short" not in request.POST:
        del form.fields["confirm_short"]
    return _times_step(request, meeting, form, partial="meetings/running/_close.html", section="close_form")


@require_POST
def times_view(request, pk: int):
    meeting = _meeting(request, pk)
    form = _times_form(meeting, request.POST, ask_short=True)
    if form.is_valid():
        try:
            meeting_set_times(
                meeting=meeting,
                started_at=form.started_at(),
                ended_at=form.ended_at(),
                confirm_short=form.confirmed_short(),
                by=request.user,
            )
        except ValidationError as error:
            if not _asked_short(request, error):
                del form.fields["confirm_short"]
            add_service_errors(form, error, {"started_at": "start", "ended_at": "end"})
        else:
            messages.success(request, "Đã lưu giờ bắt đầu, kết thúc.")
            return _done(request, meeting, "gio")
    elif "confirm_short" not in request.POST:
        del form.fields["confirm_short"]
    return _times_step(request, meeting, form, partial="meetings/running/_times.html", section="times_form")


@require_POST
def step_view(request, pk: int, step_pk: int):
    meeting = _meeting(request, pk)
    step = get_object_or_404(MeetingStep, pk=step_pk, meeting=meeting)
    form = MeetingStepForm(request.POST)
    error = None
    if form.is_valid():
        done = form.cleaned_data["done"] if "done" in request.POST else step.done
        try:
            step = step_update(step=step, done=done, notes=form.cleaned_data["notes"], by=request.user)
        except ValidationError as e:
            error = " ".join(e.messages)
    else:
        error = " ".join(m for errors in form.errors.values() for m in errors)
    if error:
        step.notes = request.POST.get("notes", step.notes)  # shown as typed, not saved
        step.error = error
        if not request.htmx:
            return _run_page(request, meeting, refused_step=step)
    # Marking a step done moves on to the next one; saving a note stays on its step.
    touched = step if error or "done" not in request.POST else None
    context = _steps_context(meeting, refused_step=step if error else None, touched=touched)
    if request.htmx:
        return render(request, "meetings/running/_steps.html", {**context, "meeting": meeting, "oob": True})
    target = touched or context["seq"].current
    return redirect(_run_url(meeting, f"buoc-{target.order}" if target else "cac-buoc"))


@require_POST
def speech_add_view(request, pk: int):
    meeting = _meeting(request, pk)
    form = SpeechForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            speech_add(
                meeting=meeting,
                gist=form.cleaned_data["gist"],
                step=form.cleaned_data["step"],
                by=request.user,
                **form.speaker_objects(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã ghi ý kiến phát biểu.")
            return redirect(_run_url(meeting, "phat-bieu"))
    return _run_page(request, meeting, speech_form=form)


@require_POST
def speech_delete_view(request, pk: int, speech_pk: int):
    meeting = _meeting(request, pk)
    speech = Speech.objects.filter(pk=speech_pk, meeting=meeting).first()
    if speech is not None:  # already gone: a second tap does nothing
        try:
            speech_delete(speech=speech, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect(_run_url(meeting, "phat-bieu"))


# --- roll call -----------------------------------------------------------------------------------------


def _line_context(meeting, line, form=None, summary=None):
    return {
        "meeting": meeting,
        "line": line,
        "form": form,
        "summary": summary,
        "quick_reasons": rules.COMMON_ABSENCE_REASONS,
    }


def roll_call(request, pk: int):
    return _roll_call_page(request, _meeting(request, pk))


def _roll_call_page(request, meeting: Meeting, *, guest_form=None, refused_line=None, asking=False):
    """The roll call; `refused_line` is (line, form) for a line refused by a plain post, shown as filled in
    (or, `asking`, offering the reasons of an excused absence)."""
    if meeting.status == MeetingStatus.PLANNED:
        messages.error(
            request, "Buổi sinh hoạt chưa bắt đầu: bấm “Bắt đầu buổi sinh hoạt” để lập danh sách điểm danh."
        )
        return redirect(_run_url(meeting))
    lines = meeting.attendances.select_related("member").order_by(*name_order("member__"))
    page = paginate(request, lines)
    shown = list(page)
    if refused_line:
        line, form = refused_line
        line.form, line.asking = form, asking
        shown = [line if x.pk == line.pk else x for x in shown]
        if line not in shown:
            shown.insert(0, line)  # posted from another page of the list
    return render(
        request,
        "meetings/running/roll_call.html",
        {
            "meeting": meeting,
            "page": page,
            "lines": shown,
            "summary": attendance_summary(meeting),
            "guests": meeting.guests.all(),
            "guest_form": guest_form or GuestForm(),
            "quick_reasons": rules.COMMON_ABSENCE_REASONS,
        },
    )


@require_POST
def attendance_view(request, pk: int, line_pk: int):
    meeting = _meeting(request, pk)
    line = get_object_or_404(Attendance.objects.select_related("member"), pk=line_pk, meeting=meeting)
    data = request.POST.copy()
    if data.get("quick") in rules.COMMON_ABSENCE_REASONS:
        data["reason"] = data["quick"]  # the second tap of an excused absence: a common reason
    form = AttendanceForm(data)
    ok = asking = False
    if form.is_valid():
        cleaned = form.cleaned_data
        day = _local(meeting.started_at).date() if meeting.started_at else meeting_day(meeting)
        try:
            line = attendance_mark(
                attendance=line,
                status=cleaned["status"],
                reason=cleaned["reason"],
                accepted_by=cleaned["accepted_by"],
                arrived_late_at=at(day, cleaned["arrived"]),
                left_early_at=at(day, cleaned["left"]),
                by=request.user,
            )
            ok = True
        except ValidationError as error:
            # "Vắng có lý do" tapped with no reason yet (the service's one refusal): the first of two taps, so
            # the line asks for the reason instead of showing an error; asked once already, it says why.
            refused = set(getattr(error, "error_dict", {}))
            asking = cleaned["status"] == AttendanceStatus.EXCUSED and refused == {"reason"}
            if not asking or "asked" in data:
                add_service_errors(form, error, {"arrived_late_at": "arrived", "left_early_at": "left"})
    if request.htmx:
        context = _line_context(meeting, line, None if ok else form, attendance_summary(meeting))
        return render(request, "meetings/running/_line.html", {**context, "oob": True, "asking": asking})
    if not ok:
        return _roll_call_page(request, meeting, refused_line=(line, form), asking=asking)
    return redirect(reverse("meetings:roll_call", args=[meeting.pk]) + f"#dd-{line.pk}")


@require_POST
def mark_all_present_view(request, pk: int):
    meeting = _meeting(request, pk)
    try:
        changed = attendance_mark_all_present(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Đã ghi có mặt cho {changed} đảng viên chưa điểm danh.")
    return redirect("meetings:roll_call", pk=meeting.pk)


@require_POST
def guest_add_view(request, pk: int):
    meeting = _meeting(request, pk)
    form = GuestForm(request.POST)
    if form.is_valid():
        try:
            guest_add(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Đã thêm khách mời {form.cleaned_data['name']}.")
            return redirect(reverse("meetings:roll_call", args=[meeting.pk]) + "#khach-moi")
    return _roll_call_page(request, meeting, guest_form=form)


@require_POST
def guest_delete_view(request, pk: int, guest_pk: int):
    meeting = _meeting(request, pk)
    guest = Guest.objects.filter(pk=guest_pk, meeting=meeting).first()
    if guest is not None:
        try:
            guest_delete(guest=guest, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect(reverse("meetings:roll_call", args=[meeting.pk]) + "#khach-moi")


# --- votes ---------------------------------------------------------------------------------------------


def votes(request, pk: int):
    meeting = _meeting(request, pk)
    form = VoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vote = vote_record(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            result = "được thông qua" if vote.passed else "không được thông qua"
            messages.success(
                request, f"“{vote.motion}” {result}: {vote.in_favour}/{vote.entitled} tán thành."
            )
            return redirect("meetings:votes", pk=meeting.pk)
    summary = attendance_summary(meeting) if meeting.status != MeetingStatus.PLANNED else None
    recorded = [(v, rules.votes_needed(kind=v.kind, entitled=v.entitled)) for v in meeting.votes.all()]
    return render(
        request,
        "meetings/running/votes.html",
        {"meeting": meeting, "form": form, "summary": summary, "recorded": recorded},
    )


@require_POST
def vote_delete_view(request, pk: int, vote_pk: int):
    meeting = _meeting(request, pk)
    vote = Vote.objects.filter(pk=vote_pk, meeting=meeting).first()
    if vote is not None:
        try:
            vote_delete(vote=vote, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("meetings:votes", pk=meeting.pk)


# --- check-in ------------------------------------------------------------------------------------------


def qr(request, pk: int):
    """The secretary's screen with the check-in QR code, big enough to scan across a table."""
    meeting = _meeting(request, pk)
    context = {"meeting": meeting, "summary": attendance_summary(meeting)}
    if meeting.status == MeetingStatus.OPEN:
        url = checkin_url(request, meeting)
        context.update(checkin_link=url, qr=qr_svg(url))
    if request.htmx:
        return render(request, "meetings/running/_summary.html", context)
    return render(request, "meetings/running/qr.html", context)


def _meeting_for_checkin(request, pk: int, token: str | None = None) -> Meeting:
    """Who may reach the check-in of a meeting: those who see its cell, those on its roll call (a member
    here on temporary activity may have no role on the host cell) and whoever holds its valid QR code
    (they are in the room: they get a clear "not on the roll call" rather than a 404). Anyone else: 404."""
    meeting = Meeting.objects.select_related("cell").filter(pk=pk).first()
    if meeting is None:
        raise Http404(access.NOT_FOUND)
    member = getattr(request.user, "member", None)
    on_roll = member is not None and meeting.attendances.filter(member=member).exists()
    holds_code = token is not None and checkin_problem(meeting, token) is None
    if not access.can_reach_checkin(request.user, meeting, on_roll=on_roll, holds_code=holds_code):
        raise Http404(access.NOT_FOUND)
    return meeting


def _checkin_page(request, meeting, *, token, error=None, line=None, status=200):
    return render(
        request,
        "meetings/running/checkin.html",
        {"meeting": meeting, "token": token, "error": error, "line": line},
        status=status,
    )


def checkin(request, pk: int, token: str):
    """The page behind the QR code: one tap confirms "I am here" (a GET changes nothing)."""
    meeting = _meeting_for_checkin(request, pk, token)
    member = getattr(request.user, "member", None)
    line = meeting.attendances.filter(member=member).first() if member is not None else None
    if request.method == "POST":
        try:
            line = member_checkin(meeting=meeting, member=member, token=token)
        except CheckinRefused as refused:
            return _checkin_page(request, meeting, token=token, error=str(refused), status=403)
        return _checkin_page(request, meeting, token=token, line=line)
    problem = checkin_problem(meeting, token)
    if problem is None and line is None:
        problem = "Đồng chí không có tên trong danh sách điểm danh của buổi sinh hoạt này."
    if problem:
        return _checkin_page(request, meeting, token=token, error=problem, status=403)
    return _checkin_page(request, meeting, token=token, line=line)


@require_POST
def checkin_self(request, pk: int):
    """The member's own "I am here" button on their meeting page, while the meeting is open."""
    meeting = _meeting_for_checkin(request, pk)
    try:
        member_checkin(meeting=meeting, member=getattr(request.user, "member", None), token=None)
    except CheckinRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Đã điểm danh: đồng chí có mặt.")
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect(_detail_url(meeting))


# --- printable papers ----------------------------------------------------------------------------------


def _print_context(meeting: Meeting) -> dict:
    day = meeting_day(meeting)
    secretary = positions_on(meeting.cell, day).filter(kind=PositionKind.SECRETARY).first()
    if meeting.status == MeetingStatus.PLANNED:
        reports = dict(AbsenceReport.objects.filter(meeting=meeting).values_list("member_id", "reason"))
        rows = [
            {
                "member": m,
                "is_exempt": m.is_exempt,
                "is_temporary": m.is_temporary,
                "is_official": m.is_official_on(day),
                "note": reports.get(m.pk, ""),
            }
            for m in roster_on(meeting.cell, day)
        ]
    else:
        rows = [
            {
                "member": a.member,
                "is_exempt": a.is_exempt,
                "is_temporary": a.is_temporary,
                "is_official": a.is_official,
                "note": a.reason,
            }
            for a in meeting.attendances.select_related("member").order_by(*name_order("member__"))
        ]
    return {
        "meeting": meeting,
        "when": _local(meeting.started_at or meeting.scheduled_at),
        "rows": rows,
        "secretary": secretary.member if secretary else None,
        "parent": meeting.cell.parent,
        # Spare lines for a member who joins the cell after the sheet was printed.
        "blank_rows": range(3),
    }


def _log_print(request, meeting, what: str, kind: str) -> None:
    # A printed sheet lists the cell's members by name: a read of personal data (Decree 13/2023).
    audit_read(
        user=request.user,
        model="meetings.meeting",
        object_id=f"{kind}:{meeting.pk}",
        what=f"In {what} · {meeting}",
        org_path=meeting.cell.path,
    )


def print_invitations(request, pk: int):
    meeting = _meeting(request, pk)
    _log_print(request, meeting, "giấy mời", "print-invitations")
    return render(request, "meetings/running/print_invitations.html", _print_context(meeting))


@require_POST
def print_slips_view(request, pk: int):
    """Slips for the members the notice has not reached; printing them records them as reached."""
    meeting = access.meeting.get_for_user(request.user, pk, write=True)
    try:
        members = prep.meeting_print_slips(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("meetings:prepare", meeting.pk)
    if not members:
        messages.info(request, "Mọi đảng viên đã được báo: không cần in giấy báo.")
        return redirect("meetings:prepare", meeting.pk)
    _log_print(request, meeting, "giấy báo", "print-notice-slips")
    context = _print_context(meeting)
    wanted = {m.pk for m in members}
    context["rows"] = [row for row in context["rows"] if row["member"].pk in wanted]
    return render(request, "meetings/running/print_invitations.html", context)


def print_roll_call(request, pk: int):
    meeting = _meeting(request, pk)
    _log_print(request, meeting, "danh sách ký tên", "print-roll-call")
    return render(request, "meetings/running/print_roll_call.html", _print_context(meeting))
