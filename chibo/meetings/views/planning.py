"""Planning and preparing meetings, and the member's own schedule (issue 3 §1–§3, §7). Rule sets are in
views/rulesets.py; who may do what is meetings.access."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from chibo.common.dates import today
from chibo.common.forms import add_service_errors, submit_form
from chibo.common.http import open_stored
from chibo.common.paging import paginate
from chibo.meetings import access, rules
from chibo.meetings.calendar import feed_ics
from chibo.meetings.forms import (
    AbsenceForm,
    CancelForm,
    MaterialForm,
    MeetingEditForm,
    MeetingForm,
    PlanYearForm,
    PrepareForm,
    RescheduleForm,
)
from chibo.meetings.models import (
    AbsenceReport,
    CalendarFeed,
    Meeting,
    MeetingKind,
    MeetingMaterial,
    MeetingStatus,
)
from chibo.meetings.selectors import (
    member_is_on_roster,
    member_meetings,
    next_meeting_of_cell,
    notice_reach,
    preparation_checklist,
)
from chibo.meetings.services import planning as plan_services
from chibo.meetings.services import preparation as prep
from chibo.members.selectors import roster_on
from chibo.notices.selectors import attempt_words, channel_preview
from chibo.orgs.access import (
    get_org_for_user,
    visible_ancestors,
)
from chibo.orgs.models import Organisation

# --- helpers ------------------------------------------------------------------------------------------


def _cell_for(request, org_pk: int, *, write: bool = False) -> Organisation:
    org = get_org_for_user(request.user, org_pk, write=write)
    if not org.is_cell:
        raise Http404("Chỉ chi bộ mới có lịch sinh hoạt.")
    return org


def _meeting_for_member_or_user(user, pk: int) -> tuple[Meeting, bool]:
    """The meeting (members on temporary activity see their host cell's too) and whether the user may write."""
    meeting = access.meeting.get_for_user(user, pk)
    return meeting, access.meeting.can_edit(user, meeting)


def _context(request, meeting: Meeting, **extra) -> dict:
    return {
        "meeting": meeting,
        "cell": meeting.cell,
        "ancestors": visible_ancestors(request.user, meeting.cell),
        **extra,
    }


def _linked_pages(meeting: Meeting, *, can_write: bool, can_read_members: bool) -> list[tuple[str, str]]:
    """The running, minutes and scoring pages, shown to those who may use them."""
    pages = [("meetings:minutes", "Biên bản", True)]
    if can_write:
        pages = [
            ("meetings:run", "Điều hành buổi sinh hoạt", True),
            ("meetings:roll_call", "Điểm danh", True),
            *pages,
        ]
    pages.append(("meetings:score", "Chấm điểm", can_read_members and meeting.status == MeetingStatus.HELD))
    return [(label, reverse(name, args=[meeting.pk])) for name, label, shown in pages if shown]


# --- schedule and planning -------------------------------------------------------------------------------


def cell_schedule(request, org_pk: int):
    cell = _cell_for(request, org_pk)
    try:
        year = int(request.GET.get("nam") or today().year)
    except ValueError:
        year = today().year
    start = timezone.make_aware(dt.datetime(year, 1, 1))  # noqa: DTZ001  (made aware at once)
    end = timezone.make_aware(dt.datetime(year + 1, 1, 1))  # noqa: DTZ001
    meetings = Meeting.objects.filter(cell=cell, scheduled_at__gte=start, scheduled_at__lt=end).order_by(
        "scheduled_at", "kind"
    )
    return render(
        request,
        "meetings/planning/schedule.html",
        {
            "cell": cell,
            "ancestors": visible_ancestors(request.user, cell),
            "year": year,
            "page": paginate(request, meetings, 30),
            # The year lists January first: the meeting to act on is shown above it.
            "next_meeting": next_meeting_of_cell(cell) if year == today().year else None,
            "can_write": access.can_create_meeting(request.user, cell),
        },
    )


def plan_year_view(request, org_pk: int):
    org = get_org_for_user(request.user, org_pk, write=True)
    form = PlanYearForm(request.POST or None, initial={"year": today().year + (today().month >= 11)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        weekdays = plan_services.ALL_DAYS if data["weekends"] else plan_services.WEEKDAYS
        try:
            created = plan_services.plan_year(
                org=org,
                year=data["year"],
                regular_day_window=(data["day_from"], data["day_to"]),
                thematic_months=tuple(int(m) for m in data["thematic_months"]),
                weekdays=weekdays,
                at=data["time"],
                place=data["place"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(
                form, error, {"regular_day_window": "day_from", "thematic_months": "thematic_months"}
            )
        else:
            messages.success(
                request, f"Đã lập kế hoạch năm {data['year']}: thêm {len(created)} buổi sinh hoạt."
            )
            if org.is_cell:
                return redirect(f"{reverse('meetings:cell_schedule', args=[org.pk])}?nam={data['year']}")
            return redirect("orgs:detail", org.pk)
    return render(
        request,
        "meetings/planning/plan_year.html",
        {"org": org, "form": form, "ancestors": visible_ancestors(request.user, org)},
    )


def meeting_create_view(request, org_pk: int):
    cell = _cell_for(request, org_pk, write=True)
    form = MeetingForm(request.POST or None, initial={"time": "19:30", "kind": MeetingKind.REGULAR})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = plan_services.meeting_create(
                cell=cell,
                kind=data["kind"],
                scheduled_at=form.when(),
                place=data["place"],
                topic=data["topic"],
                extra_reason=data["extra_reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error, {"scheduled_at": "day", "cell": "day"})
        else:
            messages.success(request, "Đã thêm buổi sinh hoạt.")
            return redirect(meeting)
    return render(
        request,
        "meetings/planning/form.html",
        {
            "cell": cell,
            "ancestors": visible_ancestors(request.user, cell),
            "form": form,
            "title": "Thêm buổi sinh hoạt",
            "submit": "Thêm",
            "back": reverse("meetings:cell_schedule", args=[cell.pk]),
        },
    )


def meeting_detail(request, pk: int):
    meeting, can_write = _meeting_for_member_or_user(request.user, pk)
    member = access.own_member(request.user)
    materials = list(meeting.materials.all())
    if not can_write:
        materials = [m for m in materials if m.published_at]
    own_report = AbsenceReport.objects.filter(meeting=meeting, member=member).first() if member else None
    reports = (
        list(meeting.absence_reports.select_related("member").order_by("created_at")) if can_write else []
    )
    return render(
        request,
        "meetings/planning/detail.html",
        _context(
            request,
            meeting,
            can_write=can_write,
            is_planned=meeting.status == MeetingStatus.PLANNED,
            materials=materials,
            checklist=preparation_checklist(meeting),
            links=_linked_pages(
                meeting,
                can_write=can_write,
                can_read_members=access.meeting.can_read_score(request.user, meeting),
            ),
            own_report=own_report,
            on_roster=member is not None and member_is_on_roster(member, meeting),
            reports=reports,
        ),
    )


def _form_page(request, meeting, form, title, submit, *, action=None, success="", field_map=None):
    """A meeting form: when posted and valid, run `action(cleaned_data)` (a service call); on success
    say so and go back to the meeting, otherwise show the service's errors on the form."""
    if action is not None:
        done = submit_form(request, form, action, success=success, then=meeting, field_map=field_map)
        if done:
            return done
    return render(
        request,
        "meetings/planning/form.html",
        _context(request, meeting, form=form, title=title, submit=submit, back=meeting.get_absolute_url()),
    )


# A meeting's date and time are typed in the "day" and "time" fields.
WHEN_FIELDS = {"scheduled_at": "day", "cell": "day"}


def meeting_edit(request, pk: int):
    meeting = access.meeting.get_for_user(request.user, pk, write=True)
    local = timezone.localtime(meeting.scheduled_at)
    form = MeetingEditForm(
        request.POST or None,
        initial={
            "day": local.date(),
            "time": local.strftime("%H:%M"),
            "place": meeting.place,
            "topic": meeting.topic,
            "extra_reason": meeting.extra_reason,
        },
    )
    return _form_page(
        request,
        meeting,
        form,
        "Sửa buổi sinh hoạt",
        "Lưu",
        action=lambda data: plan_services.meeting_update(
            meeting=meeting,
            scheduled_at=form.when(),
            place=data["place"],
            topic=data["topic"],
            extra_reason=data["extra_reason"],
            by=request.user,
        ),
        success="Đã lưu buổi sinh hoạt.",
        field_map=WHEN_FIELDS,
    )


def meeting_reschedule_view(request, pk: int):
    meeting = access.meeting.get_for_user(request.user, pk, write=True)
    form = RescheduleForm(request.POST or None)
    return _form_page(
        request,
        meeting,
        form,
        "Đổi lịch sinh hoạt",
        "Đổi lịch",
        action=lambda data: plan_services.meeting_reschedule(
            meeting=meeting,
            scheduled_at=form.when(),
            reason=data["reason"],
            extra_reason=data["extra_reason"],
            by=request.user,
        ),
        success="Đã đổi lịch. Hãy gửi lại thông báo cho đảng viên.",
        field_map=WHEN_FIELDS,
    )


def meeting_cancel_view(request, pk: int):
    meeting = access.meeting.get_for_user(request.user, pk, write=True)
    form = CancelForm(request.POST or None)
    return _form_page(
        request,
        meeting,
        form,
        "Hủy buổi sinh hoạt",
        "Hủy buổi sinh hoạt",
        action=lambda data: plan_services.meeting_cancel(
            meeting=meeting, reason=data["reason"], by=request.user
        ),
        success="Đã hủy buổi sinh hoạt.",
    )


# --- preparation ------------------------------------------------------------------------------------------


def meeting_prepare_view(request, pk: int):
    meeting = access.meeting.get_for_user(request.user, pk, write=True)
    roster = roster_on(meeting.cell, prep.meeting_day(meeting))
    form = PrepareForm(
        request.POST or None,
        roster=roster,
        initial={"drafter": meeting.drafter_id, "prep_meeting_on": meeting.prep_meeting_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            prep.meeting_prepare(
                meeting=meeting,
                drafter=form.cleaned_data["drafter"],
                prep_meeting_on=form.cleaned_data["prep_meeting_on"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã lưu công tác chuẩn bị.")
            return redirect("meetings:prepare", meeting.pk)
    day = prep.meeting_day(meeting)
    return render(
        request,
        "meetings/planning/prepare.html",
        _context(
            request,
            meeting,
            form=form,
            material_form=MaterialForm(),
            materials=meeting.materials.all(),
            checklist=preparation_checklist(meeting),
            supervisors=prep.supervisors_of(meeting.cell, day),
            roster_size=len(roster),
            **_notice_context(meeting, list(roster)),
            max_mb=prep.MATERIAL_MAX_BYTES // (1024 * 1024),
        ),
    )


def _notice_context(meeting, roster) -> dict:
    if meeting.notice_sent_at is None:
        return {"channels": channel_preview(roster)}
    reach = notice_reach(meeting)
    return {
        "reach": reach,
        "not_reached": [(m, attempt_words(reach.attempts.get(m.pk, []))) for m in reach.not_reached],
    }


@require_POST
def send_notice_view(request, pk: int):
    meeting = access.meeting.get_for_user(request.user, pk, write=True)
    try:
        sent = prep.meeting_send_notice(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if sent or meeting.notice_sent_at is None:
            messages.success(
                request, f"Đã gửi thông báo vào hộp thư Chibo, qua SMS và {sent} thư điện tử kèm lịch họp."
            )
        else:
            messages.info(request, "Thông báo đã được gửi trước đó; không gửi lại.")
    return redirect("meetings:prepare", meeting.pk)


def material_add_view(request, pk: int):
    meeting = access.meeting.get_for_user(request.user, pk, write=True)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            prep.material_add(
                meeting=meeting,
                title=data["title"],
                file=data["file"],
                publish=data["publish"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã thêm tài liệu.")
            return redirect("meetings:prepare", meeting.pk)
    return render(
        request,
        "meetings/planning/material_form.html",
        _context(request, meeting, form=form, max_mb=prep.MATERIAL_MAX_BYTES // (1024 * 1024)),
    )


@require_POST
def material_publish_view(request, pk: int):
    material = get_object_or_404(MeetingMaterial.objects.select_related("meeting"), pk=pk)
    meeting = access.meeting.get_for_user(request.user, material.meeting_id, write=True)
    prep.meeting_material_publish(material=material, by=request.user)
    messages.success(request, f"Đã gửi tài liệu “{material.title}” cho đảng viên.")
    return redirect("meetings:prepare", meeting.pk)


def material_download(request, pk: int):
    material = MeetingMaterial.objects.filter(pk=pk).first()
    if material is None:
        raise Http404("Không tìm thấy tài liệu.")
    meeting, can_write = _meeting_for_member_or_user(request.user, material.meeting_id)
    # Members see a material only once it is published; leaders see their drafts.
    if material.published_at is None and not can_write:
        raise Http404("Tài liệu chưa được gửi cho đảng viên.")
    if not material.file:
        raise Http404("Tài liệu không có tệp.")
    return FileResponse(
        open_stored(material.file),
        as_attachment=True,
        filename=material.file.name.rsplit("/", 1)[-1],
        content_type=prep.material_content_type(material),
    )


# --- the member's side --------------------------------------------------------------------------------


def my_schedule(request):
    member = access.own_member(request.user)
    if member is None:
        raise Http404("Tài khoản này không gắn với hồ sơ đảng viên nào.")
    upcoming = list(prep.upcoming_for_member(member)[:50])
    ids = [m.pk for m in upcoming]
    published = {}
    for material in MeetingMaterial.objects.filter(meeting_id__in=ids, published_at__isnull=False):
        published.setdefault(material.meeting_id, []).append(material)
    reports = dict(
        AbsenceReport.objects.filter(meeting_id__in=ids, member=member).values_list("meeting_id", "reason")
    )
    rows = [(m, published.get(m.pk, []), reports.get(m.pk)) for m in upcoming]
    feed = CalendarFeed.objects.filter(member=member).first()
    feed_url = request.build_absolute_uri(reverse("meetings:feed", args=[feed.token])) if feed else ""
    return render(
        request, "meetings/planning/my_schedule.html", {"member": member, "rows": rows, "feed_url": feed_url}
    )


@require_POST
def feed_manage(request):
    member = access.own_member(request.user)
    if member is None:
        raise Http404("Tài khoản này không gắn với hồ sơ đảng viên nào.")
    action = request.POST.get("action")
    if action == "revoke":
        prep.calendar_feed_revoke(member=member, by=request.user)
        messages.success(request, "Đã hủy địa chỉ lịch riêng.")
    elif action == "regenerate":
        prep.calendar_feed_regenerate(member=member, by=request.user)
        messages.success(request, "Đã tạo địa chỉ lịch mới; địa chỉ cũ không dùng được nữa.")
    else:
        prep.calendar_feed_get_or_create(member=member, by=request.user)
        messages.success(request, "Đã tạo địa chỉ lịch riêng.")
    return redirect("meetings:my_schedule")


@login_not_required
def feed(request, token: str):
    """The private feed: the token in the address is the only credential."""
    feed_row = CalendarFeed.objects.select_related("member").filter(token=token).first()
    if feed_row is None or not token:
        raise Http404("Không tìm thấy lịch.")
    since = today() - dt.timedelta(days=400)
    meetings = (
        member_meetings(feed_row.member)
        .filter(scheduled_at__gte=timezone.make_aware(dt.datetime.combine(since, dt.time())))
        .order_by("scheduled_at")
    )
    body = feed_ics(meetings, name=f"Lịch sinh hoạt — {feed_row.member.full_name}")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lich-sinh-hoat.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def absence_view(request, pk: int):
    member = access.own_member(request.user)
    if member is None:
        raise Http404("Tài khoản này không gắn với hồ sơ đảng viên nào.")
    meeting = access.meeting.get_for_user(request.user, pk)
    access.require_report_absence(request.user, meeting)
    report = AbsenceReport.objects.filter(meeting=meeting, member=member).first()
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and data.get("quick") in rules.COMMON_ABSENCE_REASONS:
        data["reason"] = data["quick"]  # one tap on a common reason: the second tap of the member's report
    form = AbsenceForm(data, initial={"reason": report.reason if report else ""})
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        try:
            prep.absence_report_withdraw(meeting=meeting, member=member, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Đã rút báo vắng.")
        return redirect("meetings:my_schedule")
    if request.method == "POST" and form.is_valid():
        try:
            prep.absence_report_submit(
                meeting=meeting, member=member, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã báo vắng. Chi ủy sẽ nhận được lý do của đồng chí.")
            return redirect("meetings:my_schedule")
    return render(
        request,
        "meetings/planning/absence.html",
        {
            "meeting": meeting,
            "form": form,
            "report": report,
            "is_planned": meeting.status == MeetingStatus.PLANNED,
            "quick_reasons": rules.COMMON_ABSENCE_REASONS,
        },
    )
