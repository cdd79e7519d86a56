"""Minutes (DOMAIN §4): built from what was recorded, edited as a draft, approved (then locked),
corrected afterwards only by logged amendments.

The body is structured plain text the secretary can edit on a phone; `chibo.meetings.documents`
turns the same text into the DOCX and PDF of a party document.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from chibo.audit.models import Action
from chibo.audit.services import audit_log, snapshot
from chibo.common.access import is_system
from chibo.common.collation import name_order
from chibo.common.dates import today as local_today
from chibo.meetings import access, rules
from chibo.meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
    MinutesAmendment,
    MinutesStatus,
)
from chibo.meetings.services.changes import meeting_changed
from chibo.orgs.models import Organisation

LOCKED = access.MINUTES_LOCKED
NUMBER_SUFFIX = "-BB/CB"
_NUMBER_HEAD = re.compile(r"^\s*(\d+)")


# --- small pure helpers ----------------------------------------------------------------------------


def local_dt(value: dt.datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Asia/Ho_Chi_Minh; '' for nothing."""
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def meeting_moment(meeting: Meeting) -> dt.datetime:
    """When the meeting took place: its recorded start, else its scheduled time."""
    return meeting.started_at or meeting.scheduled_at


def meeting_date(meeting: Meeting) -> dt.date:
    return timezone.localdate(meeting_moment(meeting))


def percent(part: int, whole: int) -> str:
    """'80,0%' with a Vietnamese decimal comma; '—' when there is nothing to divide by."""
    if not whole:
        return "—"
    return f"{100 * part / whole:.1f}%".replace(".", ",")


@dataclass(frozen=True)
class AttendanceCounts:
    """DOMAIN §5: required = roster minus exempted; an exempted member who comes is in neither number."""

    roster: int
    exempt: int
    exempt_present: int
    present: int
    excused: int
    unexcused: int
    unmarked: int

    @property
    def required(self) -> int:
        return self.roster - self.exempt

    @property
    def absent(self) -> int:
        return self.excused + self.unexcused


def attendance_counts(rows) -> AttendanceCounts:
    roster = exempt = exempt_present = present = excused = unexcused = unmarked = 0
    for row in rows:
        roster += 1
        if row.is_exempt:
            exempt += 1
            exempt_present += row.status == AttendanceStatus.PRESENT
            continue
        if row.status == AttendanceStatus.PRESENT:
            present += 1
        elif row.status == AttendanceStatus.EXCUSED:
            excused += 1
        elif row.status == AttendanceStatus.UNEXCUSED:
            unexcused += 1
        else:
            unmarked += 1
    return AttendanceCounts(roster, exempt, exempt_present, present, excused, unexcused, unmarked)


def minutes_title(meeting: Meeting) -> str:
    """'BIÊN BẢN SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 3 NĂM 2025' (thematic: by quarter)."""
    day = meeting_date(meeting)
    if meeting.kind == MeetingKind.THEMATIC:
        quarter = ("I", "II", "III", "IV")[(day.month - 1) // 3]
        return f"BIÊN BẢN SINH HOẠT CHI BỘ CHUYÊN ĐỀ QUÝ {quarter} NĂM {day.year}"
    return f"BIÊN BẢN SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG {day.month} NĂM {day.year}"


def _comrade(name: str) -> str:
    return f"đồng chí {name}" if name else "(chưa ghi)"


def _indent(text: str, prefix: str = "  ") -> list[str]:
    return [f"{prefix}{line.strip()}" for line in text.strip().splitlines() if line.strip()]


# --- building the text -----------------------------------------------------------------------------


def minutes_text(meeting: Meeting) -> str:
    """The draft body: everything DOMAIN §4 asks the minutes to record, from the recorded rows."""
    lines: list[str] = []
    add = lines.append

    # I. Time and place.
    add("I. THỜI GIAN, ĐỊA ĐIỂM")
    lines.extend(time_lines(meeting))
    add(f"- Địa điểm: {meeting.place or '(chưa ghi)'}.")
    if meeting.topic:
        add(f"- Nội dung chính: {meeting.topic}.")
    add("")

    # II. Who: chair, minute-taker, guests, roll call.
    add("II. THÀNH PHẦN")
    add(f"- Chủ trì: {_comrade(meeting.chair.full_name if meeting.chair else '')}.")
    add(f"- Thư ký: {_comrade(meeting.minute_taker.full_name if meeting.minute_taker else '')}.")
    guests = list(meeting.guests.order_by("-is_upper_level", "pk"))
    if guests:
        add("- Khách mời:")
        for guest in guests:
            title = f", {guest.title}" if guest.title else ""
            upper = " (đại diện cấp ủy cấp trên)" if guest.is_upper_level else ""
            add(f"  + Đồng chí {guest.name}{title}{upper}.")
    else:
        add("- Khách mời: không có.")

    rows = list(
        Attendance.objects.filter(meeting=meeting).select_related("member").order_by(*name_order("member__"))
    )
    counts = attendance_counts(rows)
    add(
        f"- Tổng số đảng viên của chi bộ: {counts.roster} đồng chí; miễn sinh hoạt: {counts.exempt} đồng chí; "
        f"phải có mặt: {counts.required} đồng chí."
    )
    add(
        f"- Có mặt: {counts.present}/{counts.required} đồng chí ({percent(counts.present, counts.required)}); "
        f"vắng: {counts.absent} đồng chí (có lý do: {counts.excused}, không lý do: {counts.unexcused})."
    )
    if counts.unmarked:
        add(f"- Chưa điểm danh: {counts.unmarked} đồng chí.")
    excused = [r for r in rows if not r.is_exempt and r.status == AttendanceStatus.EXCUSED]
    if excused:
        add("- Vắng có lý do:")
        for r in excused:
            accepted = f" (người chấp nhận: {r.accepted_by})" if r.accepted_by else ""
            add(f"  + Đồng chí {r.member.full_name}: {r.reason or 'không ghi lý do'}{accepted}.")
    unexcused = [r for r in rows if not r.is_exempt and r.status == AttendanceStatus.UNEXCUSED]
    if unexcused:
        add("- Vắng không lý do:")
        for r in unexcused:
            add(f"  + Đồng chí {r.member.full_name}.")
    exempt = [r for r in rows if r.is_exempt]
    if exempt:
        add("- Được miễn sinh hoạt đảng (không tính vào số phải có mặt):")
        for r in exempt:
            came = " (có mặt)" if r.status == AttendanceStatus.PRESENT else ""
            add(f"  + Đồng chí {r.member.full_name}{came}.")
    late = [r for r in rows if r.arrived_late_at or r.left_early_at]
    if late:
        add("- Đến muộn, về sớm:")
        for r in late:
            parts = []
            if r.arrived_late_at:
                parts.append(f"đến lúc {timezone.localtime(r.arrived_late_at):%H:%M}")
            if r.left_early_at:
                parts.append(f"về lúc {timezone.localtime(r.left_early_at):%H:%M}")
            add(f"  + Đồng chí {r.member.full_name}: {', '.join(parts)}.")
    add("")

    # III. The procedure, step by step, with notes and speakers.
    add("III. NỘI DUNG, DIỄN BIẾN")
    speeches = list(meeting.speeches.select_related("member", "guest").order_by("order", "pk"))
    by_step: dict[int | None, list] = {}
    for speech in speeches:
        by_step.setdefault(speech.step_id, []).append(speech)
    steps = list(meeting.steps.order_by("order"))
    for number, step in enumerate(steps, start=1):
        add(f"{number}. {step.title}")
        if step.notes.strip():
            lines.extend(_indent(step.notes))
        elif not step.done:
            add("  (Không thực hiện.)")
        for speech in by_step.get(step.pk, []):
            add(f"  + {_speaker(speech)}: {_one_line(speech.gist)}")
    others = [s for s in speeches if s.step_id is None or s.step_id not in {st.pk for st in steps}]
    if others:
        add(f"{len(steps) + 1}. Ý kiến phát biểu khác")
        for speech in others:
            add(f"  + {_speaker(speech)}: {_one_line(speech.gist)}")
    if not steps and not others:
        add("(Chưa ghi nội dung.)")
    # Members marked as having spoken in the roll call count too, even without a recorded gist.
    with_gist = {s.member_id for s in speeches if s.member_id}
    unrecorded = [r.member.full_name for r in rows if r.spoke and r.member_id not in with_gist]
    if with_gist or unrecorded:
        extra = f" (phát biểu không ghi nội dung: {', '.join(unrecorded)})" if unrecorded else ""
        add(f"Số đảng viên phát biểu: {len(with_gist) + len(unrecorded)} đồng chí{extra}.")
    add("")

    # IV. Votes.
    add("IV. BIỂU QUYẾT")
    votes = list(meeting.votes.order_by("recorded_at", "pk"))
    for vote in votes:
        result = "được thông qua" if vote.passed else "không được thông qua"
        add(
            f"- {vote.get_kind_display()}: {vote.motion}. Tán thành: {vote.in_favour}; "
            f"không tán thành: {vote.against}; không biểu quyết: {vote.abstain}; "
            f"số đảng viên có quyền biểu quyết: {vote.entitled}. "
            f"Kết quả: {result} ({vote.in_favour}/{vote.entitled} = {percent(vote.in_favour, vote.entitled)} tán thành)."
        )
    if not votes:
        add("- Không có biểu quyết.")
    add("")
    if meeting.ended_at:
        add(closing_line(meeting))
    return "\n".join(lines).strip() + "\n"


# The lines of the body that state times: rewritten in a draft when the times change (minutes_refresh_times).
START_PREFIX, END_PREFIX, NOTE_PREFIX = "- Bắt đầu:", "- Kết thúc:", "- Ghi chú về thời gian:"
CLOSING_PREFIX = "Buổi sinh hoạt kết thúc lúc"


def time_lines(meeting: Meeting) -> list[str]:
    """The actual start and end (and the note of a meeting moved to the day it started)."""
    start, end = meeting.started_at, meeting.ended_at
    lines = [f"{START_PREFIX} {local_dt(start) or '(chưa ghi)'}."]
    if end:
        duration = f" (thời lượng {rules.duration_minutes(start, end)} phút)" if start else ""
        lines.append(f"{END_PREFIX} {local_dt(end)}{duration}.")
    else:
        lines.append(f"{END_PREFIX} (chưa ghi, buổi sinh hoạt đang diễn ra).")
    if meeting.time_note:
        lines.append(f"{NOTE_PREFIX} {meeting.time_note}")
    return lines


def closing_line(meeting: Meeting) -> str:
    end = timezone.localtime(meeting.ended_at)
    return f"{CLOSING_PREFIX} {end:%H:%M} ngày {end:%d/%m/%Y}."


def refreshed_body(body: str, meeting: Meeting) -> str:
    """`body` with its time lines stating the meeting's recorded times; the rest as the secretary wrote it.
    The time lines go where the old ones were (else after the section I heading); the closing sentence
    is replaced, or added at the end once the meeting has ended."""
    fresh = time_lines(meeting)
    out: list[str] = []
    placed = closing = False
    for line in body.rstrip("\n").split("\n"):
        head = line.strip()
        if head.startswith((START_PREFIX, END_PREFIX, NOTE_PREFIX)):
            if not placed:
                out.extend(fresh)
                placed = True
            continue
        if head.startswith(CLOSING_PREFIX):
            if meeting.ended_at and not closing:
                out.append(closing_line(meeting))
            closing = True
            continue
        out.append(line)
        if not placed and head.startswith("I. "):
            out.extend(fresh)
            placed = True
    if not placed:
        out[:0] = fresh
    if meeting.ended_at and not closing:
        out += ["", closing_line(meeting)]
    return "\n".join(out).strip() + "\n"


def _speaker(speech) -> str:
    if speech.member is not None:
        return f"Đồng chí {speech.member.full_name}"
    if speech.guest is not None:
        return f"Đồng chí {speech.guest.name} (khách mời)"
    return "Ý kiến"


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


# --- numbering -------------------------------------------------------------------------------------


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    # zoneinfo zones are safe as tzinfo= (no pytz-style localize needed).
    tz = timezone.get_current_timezone()
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


def meetings_held_in(cell: Organisation, year: int):
    """The cell's held meetings of a calendar year (local time), in the order they took place."""
    start, end = _year_bounds(year)
    return (
        Meeting.objects.filter(cell=cell, status=MeetingStatus.HELD)
        .annotate(moment=Coalesce("started_at", "scheduled_at"))
        .filter(moment__gte=start, moment__lt=end)
        .order_by("moment", "pk")
    )


def next_minutes_number(meeting: Meeting) -> str:
    """'05-BB/CB': one sequence per cell and year. Callers hold the cell's row lock."""
    start, end = _year_bounds(meeting_date(meeting).year)
    numbers = (
        Minutes.objects.filter(meeting__cell_id=meeting.cell_id)
        .annotate(moment=Coalesce("meeting__started_at", "meeting__scheduled_at"))
        .filter(moment__gte=start, moment__lt=end)
        .exclude(number="")
        .values_list("number", flat=True)
    )
    used = [int(m.group(1)) for m in map(_NUMBER_HEAD.match, numbers) if m]
    return f"{max(used, default=0) + 1:02d}{NUMBER_SUFFIX}"


def _lock_cell(meeting: Meeting) -> None:
    # Serialises numbering within a cell: two minutes built at once never get the same number.
    Organisation.objects.select_for_update().filter(pk=meeting.cell_id).first()


# --- writes ----------------------------------------------------------------------------------------


def _check_writer(minutes: Minutes, by) -> None:
    # The meeting's writers; approved minutes stay a ValidationError (locked, 422 in the API), not a 403.
    access.meeting.check_edit(by, minutes.meeting)


def _account(by):
    return None if is_system(by) or not getattr(by, "is_authenticated", False) else by


@transaction.atomic
def minutes_build(*, meeting: Meeting, by, rebuild: bool = False) -> Minutes:
    """Create the draft from what was recorded. An existing draft is kept as the secretary edited it
    unless `rebuild`; approved minutes are never rebuilt."""
    access.meeting.check_edit(by, meeting)
    if meeting.status not in (MeetingStatus.OPEN, MeetingStatus.HELD):
        raise ValidationError("Chỉ lập được biên bản cho buổi sinh hoạt đang họp hoặc đã họp.")
    _lock_cell(meeting)
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is not None and minutes.status == MinutesStatus.APPROVED:
        if rebuild:
            raise ValidationError({"body": LOCKED})
        return minutes
    if minutes is not None and not rebuild:
        return minutes
    body = minutes_text(meeting)
    if minutes is None:
        minutes = Minutes.objects.create(meeting=meeting, body=body, number=next_minutes_number(meeting))
        audit_log(user=by, action=Action.CREATE, obj=minutes, org_path=meeting.cell.path)
        return minutes
    before = snapshot(minutes)
    minutes.body = body
    if not minutes.number:
        minutes.number = next_minutes_number(meeting)
    minutes.save(update_fields=["body", "number", "updated_at"])
    audit_log(user=by, action=Action.UPDATE, obj=minutes, org_path=meeting.cell.path, before=before)
    return minutes


@transaction.atomic
def minutes_update(*, minutes: Minutes, body: str, by, number: str | None = None) -> Minutes:
    """Edit a draft. Approved minutes are locked (DOMAIN §4): the caller gets a ValidationError."""
    minutes = Minutes.objects.select_for_update().select_related("meeting__cell").get(pk=minutes.pk)
    _check_writer(minutes, by)
    if minutes.status == MinutesStatus.APPROVED:
        raise ValidationError({"body": LOCKED})
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError({"body": "Nội dung biên bản: không được để trống."})
    before = snapshot(minutes)
    minutes.body = body + "\n"
    fields = ["body", "updated_at"]
    if number is not None:
        minutes.number = number.strip()
        fields.append("number")
    minutes.save(update_fields=fields)
    audit_log(user=by, action=Action.UPDATE, obj=minutes, org_path=minutes.meeting.cell.path, before=before)
    return minutes


APPROVE_CONFIRM = (
    "Xác nhận: hãy đánh dấu “Tôi xác nhận biên bản đã được đọc lại và chi bộ thông qua”; "
    "sau khi thông qua, biên bản bị khóa, mọi sửa đổi phải lập đính chính."
)


@transaction.atomic
def minutes_approve(*, minutes: Minutes, confirmed: bool, by) -> Minutes:
    """Adopt the minutes: they are locked from now on (with the meeting's roll call, votes and times),
    so the caller must have asked and got `confirmed`; an empty number gets the next one."""
    minutes = Minutes.objects.select_for_update().select_related("meeting__cell").get(pk=minutes.pk)
    _check_writer(minutes, by)
    if minutes.status == MinutesStatus.APPROVED:
        raise ValidationError(
            f"Biên bản đã được thông qua lúc {local_dt(minutes.approved_at)}; không cần thông qua lại."
        )
    if minutes.meeting.status not in (MeetingStatus.OPEN, MeetingStatus.HELD):
        raise ValidationError("Chỉ thông qua được biên bản của buổi sinh hoạt đang họp hoặc đã họp.")
    if not confirmed:
        raise ValidationError({"confirm": APPROVE_CONFIRM})
    before = snapshot(minutes)
    if not minutes.number:
        _lock_cell(minutes.meeting)
        minutes.number = next_minutes_number(minutes.meeting)
    minutes.status = MinutesStatus.APPROVED
    minutes.approved_at = timezone.now()
    minutes.approved_by = _account(by)
    minutes.save(update_fields=["status", "approved_at", "approved_by", "number", "updated_at"])
    audit_log(user=by, action=Action.UPDATE, obj=minutes, org_path=minutes.meeting.cell.path, before=before)
    meeting_changed(minutes.meeting)
    return minutes


@transaction.atomic
def minutes_amend(*, minutes: Minutes, text: str, reason: str, by) -> MinutesAmendment:
    """A correction of approved minutes: a new, logged row; the approved text itself never changes.
    Posting the same correction twice records it once."""
    minutes = Minutes.objects.select_for_update().select_related("meeting__cell").get(pk=minutes.pk)
    _check_writer(minutes, by)
    text, reason = (text or "").strip(), " ".join((reason or "").split())
    errors = {}
    reason_max = MinutesAmendment._meta.get_field("reason").max_length or 255
    if minutes.status != MinutesStatus.APPROVED:
        raise ValidationError("Biên bản còn là dự thảo: hãy sửa trực tiếp nội dung, không cần đính chính.")
    if not text:
        errors["text"] = "Nội dung đính chính: không được để trống."
    if not reason:
        errors["reason"] = "Lý do đính chính: không được để trống."
    elif len(reason) > reason_max:
        errors["reason"] = "Lý do đính chính: tối đa 255 ký tự."
    if errors:
        raise ValidationError(errors)
    same = minutes.amendments.filter(text=text, reason=reason).first()
    if same is not None:
        return same
    amendment = MinutesAmendment.objects.create(
        minutes=minutes,
        text=text,
        reason=reason,
        created_by=_account(by),
    )
    audit_log(user=by, action=Action.CREATE, obj=amendment, org_path=minutes.meeting.cell.path)
    return amendment


def minutes_refresh_times(meeting: Meeting, *, by) -> None:
    """After a meeting's times changed (closing, a correction): a draft states the recorded times, so
    the HTML, PDF and DOCX show the actual start and end. Approved minutes never change (the running
    services refuse the correction first)."""
    access.meeting.check_edit(by, meeting)
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None or minutes.status == MinutesStatus.APPROVED:
        return
    body = refreshed_body(minutes.body, meeting)
    if body == minutes.body:
        return
    before = snapshot(minutes)
    minutes.body = body
    minutes.save(update_fields=["body", "updated_at"])
    audit_log(user=by, action=Action.UPDATE, obj=minutes, org_path=meeting.cell.path, before=before)


def minutes_export_logged(*, minutes: Minutes, by) -> None:
    """Minutes carry names and absence reasons (personal data): who downloaded them is logged."""
    audit_log(user=by, action=Action.EXPORT, obj=minutes, org_path=minutes.meeting.cell.path)


# --- reads -----------------------------------------------------------------------------------------


def minutes_deadline(meeting: Meeting) -> dt.date:
    return rules.minutes_deadline(meeting_date(meeting), meeting.rule_set.minutes_days_after)


def minutes_on_time(meeting: Meeting, *, today: dt.date | None = None) -> bool | None:
    """Were the minutes approved within the rule set's `minutes_days_after` days of the meeting's date?
    None while it cannot be judged yet (not held, or not approved and the deadline still ahead)."""
    if meeting.status != MeetingStatus.HELD:
        return None
    minutes = Minutes.objects.filter(meeting=meeting).only("status", "approved_at").first()
    approved_at = (
        minutes.approved_at if minutes is not None and minutes.status == MinutesStatus.APPROVED else None
    )
    return rules.minutes_on_time(
        approved_on=timezone.localdate(approved_at) if approved_at else None,
        meeting_day=meeting_date(meeting),
        days_after=meeting.rule_set.minutes_days_after,
        today=today or local_today(),
    )
    deadline = minutes_deadline(meeting)
    minutes = Minutes.objects.filter(meeting=meeting).only("status", "approved_at").first()
    if minutes is not None and minutes.status == MinutesStatus.APPROVED and minutes.approved_at:
        return timezone.localdate(minutes.approved_at) <= deadline
    if (today or local_today()) > deadline:
        return False
    return None
