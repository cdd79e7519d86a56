"""Preparing a meeting (HD 42; issue 3 §3) and the member's side (§7): checklist, notices with an
iCalendar invitation, materials and their publication, advance absence reports, calendar feeds."""

import datetime as dt
import mimetypes
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chibo.audit.models import Action
from chibo.audit.services import audit_log, snapshot
from chibo.common.access import is_system
from chibo.common.dates import local_midnight, today
from chibo.common.files import content_matches, mismatch_words, read_upload
from chibo.meetings import access
from chibo.meetings.calendar import invitation_ics
from chibo.meetings.models import (
    AbsenceReport,
    CalendarFeed,
    Meeting,
    MeetingMaterial,
    MeetingStatus,
)
from chibo.meetings.selectors import (
    meeting_notice,
    member_is_on_roster,
    member_meetings,
    notice_key_prefix,
    notice_reach,
    scheduled_day,
)
from chibo.meetings.services.changes import meeting_changed
from chibo.members.models import Member
from chibo.members.selectors import roster_on
from chibo.notices.models import Attempt, AttemptStatus, Channel, NoticeKind
from chibo.notices.services import deliveries_printed, notify
from chibo.orgs.access import users_holding
from chibo.orgs.models import Organisation, RoleKind

MATERIAL_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
MATERIAL_MAX_BYTES = 20 * 1024 * 1024


def meeting_day(meeting: Meeting) -> dt.date:
    return scheduled_day(meeting)


def _account(by):
    """The account stored as uploader: None for SYSTEM (trusted code acts for nobody)."""
    return None if is_system(by) or not getattr(by, "pk", None) else by


def _check_planned(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(
            f"Buổi sinh hoạt {meeting.get_status_display().lower()}: không còn chuẩn bị được nữa."
        )


# --- checklist ------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_prepare(
    *, meeting: Meeting, drafter: Member | None, prep_meeting_on: dt.date | None, by
) -> Meeting:
    """Record who drafts the content and when the cell committee met to prepare."""
    access.meeting.check_edit(by, meeting)
    _check_planned(meeting)
    day = meeting_day(meeting)
    if drafter is not None and not roster_on(meeting.cell, day).filter(pk=drafter.pk).exists():
        raise ValidationError(
            {"drafter": f"Người chuẩn bị dự thảo: {drafter.full_name} không sinh hoạt ở chi bộ này."}
        )
    if prep_meeting_on is not None and prep_meeting_on > day:
        raise ValidationError(
            {"prep_meeting_on": "Ngày họp chi ủy chuẩn bị: phải trước hoặc cùng ngày sinh hoạt."}
        )
    before = snapshot(meeting)
    meeting.drafter = drafter
    meeting.prep_meeting_on = prep_meeting_on
    meeting.save(update_fields=["drafter", "prep_meeting_on"])
    audit_log(user=by, action=Action.UPDATE, obj=meeting, org_path=meeting.cell.path, before=before)
    return meeting


def supervisors_of(cell: Organisation, day: dt.date):
    """Users assigned as supervisor (cấp ủy viên phụ trách) on an ancestor of the cell on `day`."""
    return users_holding(cell, (RoleKind.SUPERVISOR,), day=day).order_by("pk")


def _notice_text(meeting: Meeting) -> tuple[str, str]:
    local = timezone.localtime(meeting.scheduled_at)
    subject = f"Thông báo {meeting.get_kind_display().lower()} {meeting.cell.name} {local:%H:%M %d/%m/%Y}"
    lines = [
        f"{meeting.cell.name} thông báo {meeting.get_kind_display().lower()}:",
        f"- Thời gian: {local:%H:%M} ngày {local:%d/%m/%Y}",
        f"- Địa điểm: {meeting.place or 'sẽ thông báo sau'}",
    ]
    if meeting.topic:
        lines.append(f"- Nội dung: {meeting.topic}")
    if meeting.reschedule_note:
        lines.append(f"- Đổi lịch: {meeting.reschedule_note}")
    lines += [
        "",
        "Đồng chí không dự được xin báo vắng trước trên Chibo (Lịch sinh hoạt của tôi).",
        "Lịch họp kèm theo thư (tệp .ics) có thể thêm vào lịch điện thoại.",
    ]
    return subject, "\n".join(lines)


@transaction.atomic
def meeting_send_notice(*, meeting: Meeting, by) -> int:
    """Send the notice to every member of the roster by every channel each has (chibo.notices: the
    inbox, SMS, e-mail with an iCalendar invitation) and e-mail the supervisors above the cell; record
    when. A second call sends nothing unless the meeting was rescheduled since (meeting_reschedule
    clears `notice_sent_at`). Returns the e-mails sent now (SMS go out from the worker)."""
    meeting = Meeting.objects.select_for_update().select_related("cell", "rule_set").get(pk=meeting.pk)
    access.meeting.check_edit(by, meeting)
    _check_planned(meeting)
    if meeting.notice_sent_at is not None:
        return 0
    day = meeting_day(meeting)
    members = list(roster_on(meeting.cell, day).select_related("user"))
    supervisors = list(supervisors_of(meeting.cell, day))
    subject, body = _notice_text(meeting)
    ics_line = "Lịch họp kèm theo thư (tệp .ics) có thể thêm vào lịch điện thoại."
    # SEQUENCE only grows (one per recorded change), so calendars replace an older invitation.
    sequence = _change_count(meeting)
    connection = get_connection()

    def invitation(member, email: str) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        message.attach(
            "sinh-hoat.ics",
            invitation_ics(meeting, attendee_email=email, sequence=sequence),
            "text/calendar; method=REQUEST; charset=utf-8",
        )
        return message

    notice = notify(
        key=f"{notice_key_prefix(meeting)}{sequence}",
        kind=NoticeKind.MEETING_CHANGE if meeting.reschedule_note else NoticeKind.MEETING,
        subject=subject,
        body=body.replace("\n" + ics_line, ""),  # the inbox and SMS have no attachment
        sms_text=_notice_sms(meeting),
        link=reverse("meetings:my_schedule"),
        cell=meeting.cell,
        members=members,
        by=by,
        email_factory=invitation,
        connection=connection,
    )
    sent = Attempt.objects.filter(
        delivery__notice=notice, channel=Channel.EMAIL, status=AttemptStatus.SENT
    ).count()
    member_emails = set(
        Attempt.objects.filter(delivery__notice=notice, channel=Channel.EMAIL).values_list("address", flat=True)
    )
    extra = [
        invitation(None, email)
        for email in dict.fromkeys(u.email for u in supervisors if u.email)
        if email not in member_emails
    ]
    sent += (connection.send_messages(extra) or 0) if extra else 0
    before = snapshot(meeting)
    now = timezone.now()
    meeting.notice_sent_at = now
    # An assigned supervisor is told through the system even without an e-mail (they see the cell's
    # schedule); with nobody assigned the checklist keeps showing the gap.
    meeting.supervisor_notified_at = now if supervisors else None
    meeting.save(update_fields=["notice_sent_at", "supervisor_notified_at"])
    audit_log(user=by, action=Action.UPDATE, obj=meeting, org_path=meeting.cell.path, before=before)
    return sent


def _notice_sms(meeting: Meeting) -> str:
    local = timezone.localtime(meeting.scheduled_at)
    text = f"{meeting.cell.name}: {meeting.get_kind_display().lower()} {local:%H:%M} ngày {local:%d/%m/%Y}"
    if meeting.place:
        text += f" tại {meeting.place}"
    return text + ". Vắng xin báo bí thư."


@transaction.atomic
def meeting_print_slips(*, meeting: Meeting, by) -> list[Member]:
    """The members the notice has not reached get a printed slip: recorded as reached on paper.
    Returns them, for the print page."""
    meeting = Meeting.objects.select_related("cell").get(pk=meeting.pk)
    access.meeting.check_edit(by, meeting)
    if meeting.notice_sent_at is None:
        raise ValidationError("Hãy gửi thông báo trước; giấy báo in cho những đồng chí chưa nhận được.")
    reach = notice_reach(meeting)
    notice = meeting_notice(meeting)
    if notice is not None and reach.not_reached:
        deliveries_printed(notice, [m.pk for m in reach.not_reached])
    return reach.not_reached


def _change_count(meeting: Meeting) -> int:
    from chibo.audit.models import AuditEntry

    return AuditEntry.objects.filter(
        model="meetings.meeting", object_id=str(meeting.pk), action=Action.UPDATE
    ).count()


# --- materials --------------------------------------------------------------------------------------------


def material_problem(name: str, size: int, data: bytes | None = None) -> str | None:
    """`data`, when given, must be what the extension says (chibo.common.files)."""
    ext = Path(name or "").suffix.lower()
    if ext not in MATERIAL_EXTENSIONS:
        return "Tệp: chỉ nhận tài liệu PDF, DOCX hoặc ảnh (JPG, PNG, WEBP)."
    if size > MATERIAL_MAX_BYTES:
        return f"Tệp: dung lượng tối đa {MATERIAL_MAX_BYTES // (1024 * 1024)} MB; tệp này {size / (1024 * 1024):.1f} MB."
    if size == 0:
        return "Tệp: tệp rỗng."
    if data is not None and not content_matches(ext, data):
        return f"Tệp: {mismatch_words(ext)}."
    return None


def material_content_type(material: MeetingMaterial) -> str:
    ext = Path(material.file.name).suffix.lower()
    return (
        MATERIAL_EXTENSIONS.get(ext)
        or mimetypes.guess_type(material.file.name)[0]
        or "application/octet-stream"
    )


@transaction.atomic
def material_add(*, meeting: Meeting, title: str, file, publish: bool = False, by) -> MeetingMaterial:
    access.meeting.check_edit(by, meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("Buổi sinh hoạt đã hủy: không thêm tài liệu được.")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Tên tài liệu: không được để trống."})
    if file is None:
        raise ValidationError({"file": "Tệp: hãy chọn tệp tài liệu."})
    problem = material_problem(file.name, file.size) or material_problem(
        file.name, file.size, read_upload(file)
    )
    if problem:
        raise ValidationError({"file": problem})
    material = MeetingMaterial(meeting=meeting, title=title, uploaded_by=_account(by))
    material.file.save(Path(file.name).name, file, save=False)
    material.save()
    audit_log(user=by, action=Action.CREATE, obj=material, org_path=meeting.cell.path)
    if publish:
        _material_publish(material=material, by=by)
    return material


@transaction.atomic
def meeting_material_publish(*, material: MeetingMaterial, by) -> MeetingMaterial:
    """Members see the material from now on; the meeting keeps the earliest publication (T2).
    (A committee's material is published by materials.services.material_publish.)"""
    access.meeting.check_edit(by, Meeting.objects.select_related("cell").get(pk=material.meeting_id))
    return _material_publish(material=material, by=by)


def _material_publish(*, material: MeetingMaterial, by) -> MeetingMaterial:
    if material.published_at is not None:
        return material
    now = timezone.now()
    before = snapshot(material)
    material.published_at = now
    material.save(update_fields=["published_at"])
    meeting = Meeting.objects.select_for_update().get(pk=material.meeting_id)
    if meeting.materials_published_at is None or now < meeting.materials_published_at:
        meeting.materials_published_at = now
        meeting.save(update_fields=["materials_published_at"])
    audit_log(user=by, action=Action.UPDATE, obj=material, org_path=meeting.cell.path, before=before)
    meeting_changed(meeting)
    local = timezone.localtime(meeting.scheduled_at)
    notify(
        key=f"meeting-material:{material.pk}",
        kind=NoticeKind.MATERIAL,
        subject=f"Tài liệu sinh hoạt: {material.title}",
        body=f"Tài liệu cho buổi sinh hoạt {local:%H:%M} ngày {local:%d/%m/%Y}: {material.title}. "
        "Đồng chí đọc trước trên Chibo.",
        sms_text=f"Đã có tài liệu sinh hoạt ngày {local:%d/%m/%Y}: {material.title[:60]}. Xem trên Chibo.",
        link=reverse("meetings:detail", args=[meeting.pk]),
        cell=meeting.cell,
        members=roster_on(meeting.cell, meeting_day(meeting)),
        by=by,
    )
    return material


@transaction.atomic
def meeting_materials_visible(*, meeting: Meeting, at: dt.datetime) -> Meeting:
    """Materials of another module (a committee's material attached to this meeting) became visible to
    the meeting's members at `at`: the meeting keeps the earliest time, which is what T2 measures."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.materials_published_at is None or at < meeting.materials_published_at:
        meeting.materials_published_at = at
        meeting.save(update_fields=["materials_published_at"])
        meeting_changed(meeting)
    return meeting


# --- the member's side --------------------------------------------------------------------------------------


@transaction.atomic
def absence_report_submit(*, meeting: Meeting, member: Member, reason: str, by) -> AbsenceReport:
    """A member tells the cell in advance they cannot come; editable until the meeting opens."""
    access.check_absence_report(by, meeting, member)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Lý do: không được để trống."})
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError("Buổi sinh hoạt đã bắt đầu hoặc đã kết thúc: không báo vắng trước được nữa.")
    if not member_is_on_roster(member, meeting):
        raise ValidationError("Đồng chí không thuộc danh sách sinh hoạt của chi bộ này vào ngày họp.")
    report = AbsenceReport.objects.filter(meeting=meeting, member=member).first()
    if report is None:
        report = AbsenceReport.objects.create(meeting=meeting, member=member, reason=reason)
        audit_log(user=by, action=Action.CREATE, obj=report, org_path=meeting.cell.path)
    elif report.reason != reason:
        before = snapshot(report)
        report.reason = reason
        report.save(update_fields=["reason"])
        audit_log(user=by, action=Action.UPDATE, obj=report, org_path=meeting.cell.path, before=before)
    return report


@transaction.atomic
def absence_report_withdraw(*, meeting: Meeting, member: Member, by) -> None:
    access.check_absence_report(by, meeting, member)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError("Buổi sinh hoạt đã bắt đầu: không rút báo vắng được nữa.")
    report = AbsenceReport.objects.filter(meeting=meeting, member=member).first()
    if report is not None:
        before = snapshot(report)
        audit_log(user=by, action=Action.DELETE, obj=report, org_path=meeting.cell.path, before=before)
        report.delete()


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_get_or_create(*, member: Member, by) -> CalendarFeed:
    access.check_own_calendar(by, member)
    feed = CalendarFeed.objects.filter(member=member).first()
    if feed is None:
        # The token is a credential: feeds are not written to the audit log.
        feed = CalendarFeed.objects.create(member=member, token=_new_token())
    return feed


@transaction.atomic
def calendar_feed_regenerate(*, member: Member, by) -> CalendarFeed:
    """A new secret: the old address stops working at once."""
    access.check_own_calendar(by, member)
    feed = CalendarFeed.objects.filter(member=member).first()
    if feed is None:
        return calendar_feed_get_or_create(member=member, by=by)
    feed.token = _new_token()
    feed.save(update_fields=["token"])
    return feed


@transaction.atomic
def calendar_feed_revoke(*, member: Member, by) -> None:
    access.check_own_calendar(by, member)
    feed = CalendarFeed.objects.filter(member=member).first()
    if feed is not None:
        feed.delete()


def upcoming_for_member(member: Member, *, since: dt.date | None = None):
    since = since or today()
    return (
        member_meetings(member)
        .filter(scheduled_at__gte=local_midnight(since))
        .exclude(status__in=[MeetingStatus.HELD])
        .order_by("scheduled_at")
    )
