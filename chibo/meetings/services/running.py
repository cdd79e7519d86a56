"""Running a meeting (issue 3 §4, §7): open it, follow the steps, take the roll call, record speeches,
guests and votes, let members check in, close it.

What is recorded here is the legal record the minutes are built from. Roll call, steps and votes can
be changed while the meeting is open and after it ends, until its minutes are approved (then they are
locked with the minutes; a correction is an amendment of the minutes).
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chibo.audit.models import Action
from chibo.audit.services import audit_bulk, audit_log, snapshot
from chibo.meetings import access, rules
from chibo.meetings.models import (
    AbsenceReport,
    Attendance,
    AttendanceStatus,
    Guest,
    Meeting,
    MeetingStatus,
    MeetingStep,
    MinutesStatus,
    MotionKind,
    RuleStep,
    Speech,
    Vote,
)
from chibo.meetings.services.changes import meeting_changed
from chibo.meetings.services.minutes import minutes_refresh_times
from chibo.members.models import Member
from chibo.members.selectors import roster_on

# --- small helpers ------------------------------------------------------------------------------------


def meeting_day(meeting: Meeting) -> dt.date:
    """The local (Asia/Ho_Chi_Minh) date the roster is taken on: the start if known, else the plan."""
    return timezone.localtime(meeting.started_at or meeting.scheduled_at).date()


def _lock(meeting: Meeting) -> Meeting:
    # One writer at a time per meeting (PostgreSQL row lock; SQLite serialises writes anyway).
    return Meeting.objects.select_for_update().select_related("cell", "rule_set").get(pk=meeting.pk)


def _check_writer(meeting: Meeting, by) -> None:
    access.meeting.check_run(by, meeting)


def minutes_locked(meeting: Meeting) -> bool:
    # No minutes yet: the reverse one-to-one raises, getattr's default covers it.
    minutes = getattr(meeting, "minutes", None)
    return minutes is not None and minutes.status == MinutesStatus.APPROVED


def check_recordable(meeting: Meeting) -> None:
    """Roll call, steps, speeches and votes are recorded once the meeting is open, until its minutes
    are approved."""
    if meeting.status == MeetingStatus.PLANNED:
        raise ValidationError("Buổi sinh hoạt chưa bắt đầu: hãy bấm “Bắt đầu buổi sinh hoạt” trước.")
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("Buổi sinh hoạt đã bị hủy.")
    if meeting.status == MeetingStatus.HELD and minutes_locked(meeting):
        raise ValidationError("Biên bản đã được thông qua: mọi sửa đổi phải làm bằng đính chính biên bản.")


def roll_call_lines(meeting: Meeting) -> list[rules.Line]:
    return [rules.Line.of(a) for a in meeting.attendances.all()]


def attendance_summary(meeting: Meeting) -> dict:
    """Counts for the screens and the minutes: present out of required, the rate, who may vote."""
    attendances = list(meeting.attendances.all())
    lines = [rules.Line.of(a) for a in attendances]
    present, required = rules.attendance_counts(lines)
    rate = rules.attendance_rate(present, required)
    by_status = {value: 0 for value in AttendanceStatus.values}
    unmarked = 0
    for a in attendances:
        if a.status:
            by_status[a.status] += 1
        else:
            unmarked += 1
    return {
        "present": present,
        "required": required,
        "rate": rate,
        "rate_text": rules.percent(rate),
        "roster": len(attendances),
        "unmarked": unmarked,
        "excused": by_status[AttendanceStatus.EXCUSED],
        "unexcused": by_status[AttendanceStatus.UNEXCUSED],
        "exempt": sum(1 for a in attendances if a.is_exempt),
        "exempt_present": sum(1 for a in attendances if a.is_exempt and a.status == AttendanceStatus.PRESENT),
        "entitled": rules.vote_entitled(lines),
        "voters_present": rules.voters_present(lines),
    }


def is_shared_session(meeting: Meeting) -> bool:
    return (
        bool(meeting.shares_session_with_id) or Meeting.objects.filter(shares_session_with=meeting).exists()
    )


def minimum_minutes(meeting: Meeting) -> int:
    rs = meeting.rule_set
    return rules.minimum_minutes(
        kind=meeting.kind,
        shared=is_shared_session(meeting),
        regular=rs.min_minutes_regular,
        thematic=rs.min_minutes_thematic,
        combined=rs.min_minutes_combined,
    )


def session_span(meeting: Meeting) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Start and end of the session: a shared session runs from the first start to the last end."""
    start, end = meeting.started_at, meeting.ended_at
    if is_shared_session(meeting):
        partners = Meeting.objects.filter(
            Q(pk=meeting.shares_session_with_id) | Q(shares_session_with=meeting)
        )
        for other in partners:
            if other.started_at and start:
                start = min(start, other.started_at)
            if other.ended_at and end:
                end = max(end, other.ended_at)
    return start, end


def meeting_duration_ok(meeting: Meeting) -> bool | None:
    """Whether the meeting lasted the rule set's minimum (90 min; 120 for a shared regular + thematic
    session). None while it has no start or end. Computed, never stored: a corrected time re-decides."""
    start, end = session_span(meeting)
    return rules.duration_met(start, end, minimum_minutes(meeting))


# --- opening and closing ------------------------------------------------------------------------------


def _rule_set_in_force(meeting: Meeting, day: dt.date):
    from chibo.meetings.services.rulesets import rule_set_for

    try:
        return rule_set_for(cell=meeting.cell, day=day)
    except ValidationError:
        # No rule set applies that day (none installed): the one chosen when it was planned stays.
        return meeting.rule_set


def _copy_steps(meeting: Meeting) -> None:
    if meeting.steps.exists():
        return
    rule_steps = RuleStep.objects.filter(rule_set=meeting.rule_set, meeting_kind=meeting.kind).order_by(
        "order"
    )
    MeetingStep.objects.bulk_create(
        [
            MeetingStep(meeting=meeting, rule_step=rs, order=i, title=rs.title, mandatory=rs.mandatory)
            for i, rs in enumerate(rule_steps, start=1)
        ]
    )


def _create_roll_call(meeting: Meeting, day: dt.date) -> None:
    """One line per member of the roster on the meeting's date, with the roster facts frozen."""
    reports = dict(AbsenceReport.objects.filter(meeting=meeting).values_list("member_id", "reason"))
    have = set(meeting.attendances.values_list("member_id", flat=True))
    lines = []
    for member in roster_on(meeting.cell, day):
        if member.pk in have:
            continue
        line = Attendance(
            meeting=meeting,
            member=member,
            is_exempt=member.is_exempt,
            is_temporary=member.is_temporary,
            is_official=member.is_official_on(day),
        )
        if member.is_exempt:
            # Shown as exempt; if the member comes after all, the secretary marks them present.
            line.status = AttendanceStatus.EXEMPT
        elif member.pk in reports:
            line.status, line.reason = AttendanceStatus.EXCUSED, reports[member.pk]
        lines.append(line)
    Attendance.objects.bulk_create(lines)


def _check_start(meeting: Meeting, started_at: dt.datetime, now: dt.datetime) -> str:
    """The start must have happened and may not be far before the scheduled day (DOMAIN §4: the record
    tells when the meeting took place). Returns rules.ON_TIME or rules.MOVE; refusals raise."""
    problem = rules.future_problem(started_at, now=now, field="started_at", label="Bắt đầu lúc")
    if problem:
        raise ValidationError({problem[0]: problem[1]})
    early_hours = settings.CHIBO_MEETING_EARLY_HOURS
    verdict = rules.early_start(
        started_at=started_at, scheduled_at=meeting.scheduled_at, early_hours=early_hours
    )
    if verdict == rules.REFUSE:
        raise ValidationError(
            {
                "started_at": rules.early_refused_message(
                    started_at=started_at, scheduled_at=meeting.scheduled_at, early_hours=early_hours
                )
            }
        )
    return verdict


def _move_to_start(meeting: Meeting, started_at: dt.datetime) -> None:
    """A meeting started before its scheduled day now takes place on the day it started: its schedule
    follows, the original time stays in the note (and the audit log)."""
    from chibo.meetings.services.planning import check_extra_regular

    meeting.time_note = rules.moved_note(started_at=started_at, scheduled_at=meeting.scheduled_at)
    meeting.scheduled_at = started_at
    # Moved into another month, it may become that month's second regular meeting.
    try:
        check_extra_regular(meeting)
    except ValidationError as error:
        raise ValidationError(
            {
                "started_at": "Bắt đầu lúc: họp sớm như vậy chuyển buổi sinh hoạt sang tháng trước, khi chi bộ "
                "đã có buổi thường kỳ khác; hãy đổi lịch (ghi lý do họp thêm) rồi mới bắt đầu."
            }
        ) from error


def _check_end(meeting: Meeting, ended_at: dt.datetime, now: dt.datetime, *, confirm_short: bool) -> None:
    problem = rules.future_problem(ended_at, now=now, field="ended_at", label="Kết thúc lúc")
    if problem:
        raise ValidationError({problem[0]: problem[1]})
    if meeting.started_at is not None and ended_at <= meeting.started_at:
        start = timezone.localtime(meeting.started_at)
        raise ValidationError(
            {"ended_at": f"Kết thúc lúc: phải sau giờ bắt đầu ({start:%H:%M} ngày {start:%d/%m/%Y})."}
        )
    # A shared session is judged as one (session_span), with this meeting's new end.
    previous, meeting.ended_at = meeting.ended_at, ended_at
    session_start, session_end = session_span(meeting)
    meeting.ended_at = previous
    problem = rules.short_problem(
        started_at=session_start,
        ended_at=session_end,
        minimum=minimum_minutes(meeting),
        confirmed=confirm_short,
    )
    if problem:
        raise ValidationError({problem[0]: problem[1]})


def default_end(meeting: Meeting, *, now: dt.datetime | None = None) -> dt.datetime:
    """The end proposed when closing (web form and API without `ended_at`): rules.default_end."""
    start = meeting.started_at or meeting.scheduled_at
    return rules.default_end(
        scheduled_at=meeting.scheduled_at,
        started_at=start,
        minimum=minimum_minutes(meeting),
        now=now or timezone.now(),
    )


@transaction.atomic
def meeting_open(
    *,
    meeting: Meeting,
    started_at: dt.datetime | None = None,
    chair: Member | None = None,
    minute_taker: Member | None = None,
    by,
) -> Meeting:
    """Start a planned meeting: fix the rule set in force on its date, copy its steps, create the roll
    call from the roster and a check-in secret. The start cannot be in the future; before the scheduled
    day it is refused or moves the meeting to that day (_check_start). Opening an open meeting again
    changes nothing."""
    meeting = _lock(meeting)
    _check_writer(meeting, by)
    if meeting.status == MeetingStatus.OPEN:
        return meeting
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(
            f"Chỉ bắt đầu được buổi sinh hoạt đang dự kiến; buổi này {meeting.get_status_display().lower()}."
        )
    before = snapshot(meeting)
    now = timezone.now()
    started_at = started_at or now
    if _check_start(meeting, started_at, now) == rules.MOVE:
        _move_to_start(meeting, started_at)
    meeting.started_at = started_at
    day = meeting_day(meeting)
    meeting.rule_set = _rule_set_in_force(meeting, day)
    meeting.status = MeetingStatus.OPEN
    meeting.checkin_token = secrets.token_urlsafe(24)
    meeting.save(
        update_fields=["started_at", "scheduled_at", "time_note", "rule_set", "status", "checkin_token"]
    )
    _copy_steps(meeting)
    _create_roll_call(meeting, day)
    audit_log(user=by, action=Action.UPDATE, obj=meeting, org_path=meeting.cell.path, before=before)
    if chair is not None or minute_taker is not None:
        meeting = meeting_set_officers(
            meeting=meeting, chair=chair, minute_taker=minute_taker, mark_present=True, by=by
        )
    return meeting


@transaction.atomic
def meeting_close(
    *, meeting: Meeting, ended_at: dt.datetime | None = None, confirm_short: bool = False, by
) -> Meeting:
    """End an open meeting: it is HELD from now on and the check-in QR stops working. Every roster line
    must be marked first (the roll call is the legal record). The end defaults to `default_end`; it
    cannot be in the future, and one shorter than the rule set's minimum needs `confirm_short`. Closing a
    held meeting again changes nothing."""
    meeting = _lock(meeting)
    _check_writer(meeting, by)
    if meeting.status == MeetingStatus.HELD and ended_at in (None, meeting.ended_at):
        return meeting
    if meeting.status != MeetingStatus.OPEN:
        raise ValidationError(
            f"Chỉ kết thúc được buổi sinh hoạt đang họp; buổi này {meeting.get_status_display().lower()}."
        )
    now = timezone.now()
    ended_at = ended_at or default_end(meeting, now=now)
    _check_end(meeting, ended_at, now, confirm_short=confirm_short)
    unmarked = list(
        meeting.attendances.filter(status="")
        .select_related("member")
        .values_list("member__full_name", flat=True)
    )
    if unmarked:
        raise ValidationError(
            f"Còn {len(unmarked)} đảng viên chưa điểm danh ({', '.join(sorted(unmarked))}): "
            "hãy điểm danh đủ trước khi kết thúc."
        )
    before = snapshot(meeting)
    meeting.ended_at = ended_at
    meeting.status = MeetingStatus.HELD
    meeting.checkin_token = ""
    meeting.save(update_fields=["ended_at", "status", "checkin_token"])
    audit_log(user=by, action=Action.UPDATE, obj=meeting, org_path=meeting.cell.path, before=before)
    minutes_refresh_times(meeting, by=by)
    meeting_changed(meeting)
    return meeting


TIMES_LOCKED = (
    "Biên bản đã được thông qua: không sửa được giờ bắt đầu, kết thúc nữa; "
    "nếu giờ ghi sai, hãy lập đính chính biên bản."
)


@transaction.atomic
def meeting_set_times(
    *,
    meeting: Meeting,
    started_at: dt.datetime | None = None,
    ended_at: dt.datetime | None = None,
    confirm_short: bool = False,
    by,
) -> Meeting:
    """Correct the start (open or held meeting) and the end (held meeting) until the minutes are
    approved, under the same rules as opening and closing. Nothing sent, or the same times: no change."""
    meeting = _lock(meeting)
    _check_writer(meeting, by)
    if meeting.status not in (MeetingStatus.OPEN, MeetingStatus.HELD):
        raise ValidationError(
            "Chỉ sửa được giờ của buổi sinh hoạt đang họp hoặc đã họp; "
            f"buổi này {meeting.get_status_display().lower()}."
        )
    if minutes_locked(meeting):
        raise ValidationError(TIMES_LOCKED)
    if ended_at is not None and meeting.status == MeetingStatus.OPEN:
        raise ValidationError(
            {"ended_at": "Kết thúc lúc: buổi sinh hoạt đang họp; giờ kết thúc ghi khi bấm “Kết thúc”."}
        )
    started_at = started_at or meeting.started_at
    ended_at = ended_at or meeting.ended_at
    if started_at is None:  # an open or held meeting has a start; a row written by hand may not
        raise ValidationError({"started_at": "Bắt đầu lúc: không được để trống."})
    if started_at == meeting.started_at and ended_at == meeting.ended_at:
        return meeting
    before = snapshot(meeting)
    now = timezone.now()
    if started_at != meeting.started_at:
        if ended_at is not None and started_at >= ended_at:
            raise ValidationError({"started_at": "Bắt đầu lúc: phải trước giờ kết thúc."})
        if _check_start(meeting, started_at, now) == rules.MOVE:
            _move_to_start(meeting, started_at)
        meeting.started_at = started_at
    if meeting.status == MeetingStatus.HELD and ended_at is not None:
        _check_end(meeting, ended_at, now, confirm_short=confirm_short)
        meeting.ended_at = ended_at
    meeting.save(update_fields=["started_at", "ended_at", "scheduled_at", "time_note"])
    audit_log(user=by, action=Action.UPDATE, obj=meeting, org_path=meeting.cell.path, before=before)
    minutes_refresh_times(meeting, by=by)
    meeting_changed(meeting)
    return meeting


def _attendance_of(meeting: Meeting, member: Member, field: str, label: str) -> Attendance:
    line = meeting.attendances.filter(member=member).first()
    if line is None:
        raise ValidationError({field: f"{label}: {member.full_name} không có tên trong danh sách điểm danh."})
    return line


@transaction.atomic
def meeting_set_officers(
    *,
    meeting: Meeting,
    chair: Member | None,
    minute_taker: Member | None,
    mark_present: bool = False,
    by,
) -> Meeting:
    """Chair and minute-taker are members present (with `mark_present`, as when the meeting opens,
    they are marked present: they are evidently there). Times are corrected by meeting_set_times."""
    meeting = _lock(meeting)
    _check_writer(meeting, by)
    check_recordable(meeting)
    for member, field, label in ((chair, "chair", "Chủ trì"), (minute_taker, "minute_taker", "Thư ký")):
        if member is None:
            continue
        line = _attendance_of(meeting, member, field, label)
        if mark_present and line.status in ("", AttendanceStatus.EXEMPT):
            line.status = AttendanceStatus.PRESENT
            line.save(update_fields=["status"])
        elif line.status != AttendanceStatus.PRESENT:
            raise ValidationError({field: f"{label}: {member.full_name} chưa được điểm danh có mặt."})
    before = snapshot(meeting)
    meeting.chair, meeting.minute_taker = chair, minute_taker
    meeting.save(update_fields=["chair", "minute_taker"])
    audit_log(user=by, action=Action.UPDATE, obj=meeting, org_path=meeting.cell.path, before=before)
    return meeting


# --- steps and speeches -------------------------------------------------------------------------------


@transaction.atomic
def step_update(*, step: MeetingStep, done: bool, notes: str | None = None, by) -> MeetingStep:
    """Mark a step done (or not) and keep its notes; posting the same again changes nothing."""
    meeting = _lock(step.meeting)
    _check_writer(meeting, by)
    check_recordable(meeting)
    step = MeetingStep.objects.select_for_update().get(pk=step.pk)
    notes = step.notes if notes is None else notes.strip()
    if step.done == done and step.notes == notes:
        return step
    before = snapshot(step)
    if done and not step.done:
        step.done_at = timezone.now()
    elif not done:
        step.done_at = None
    step.done, step.notes = done, notes
    step.save(update_fields=["done", "done_at", "notes"])
    audit_log(user=by, action=Action.UPDATE, obj=step, org_path=meeting.cell.path, before=before)
    meeting_changed(meeting)
    return step


@transaction.atomic
def speech_add(
    *,
    meeting: Meeting,
    gist: str,
    member: Member | None = None,
    guest: Guest | None = None,
    step: MeetingStep | None = None,
    by,
) -> Speech:
    """Who spoke and the gist: a member of the roll call (who is then present) or a guest."""
    meeting = _lock(meeting)
    _check_writer(meeting, by)
    check_recordable(meeting)
    gist = gist.strip()
    if not gist:
        raise ValidationError({"gist": "Nội dung chính: không được để trống."})
    if (member is None) == (guest is None):
        raise ValidationError({"speaker": "Người phát biểu: hãy chọn một đảng viên hoặc một khách mời."})
    if step is not None and step.meeting_id != meeting.pk:
        raise ValidationError({"step": "Bước: không thuộc buổi sinh hoạt này."})
    if guest is not None and guest.meeting_id != meeting.pk:
        raise ValidationError({"speaker": "Người phát biểu: khách mời không thuộc buổi sinh hoạt này."})
    if member is not None:
        line = _attendance_of(meeting, member, "speaker", "Người phát biểu")
        if line.status in (AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED):
            raise ValidationError(
                {"speaker": f"Người phát biểu: {member.full_name} đang được điểm danh là vắng mặt."}
            )
        if line.status != AttendanceStatus.PRESENT or not line.spoke:
            line.status, line.spoke = AttendanceStatus.PRESENT, True
            line.save(update_fields=["status", "spoke"])
    same = meeting.speeches.filter(member=member, guest=guest, step=step, gist=gist).first()
    if same is not None:
        # The same form posted twice.
        return same
    speech = Speech.objects.create(
        meeting=meeting,
        step=step,
        member=member,
        guest=guest,
        gist=gist,
        order=meeting.speeches.count() + 1,
    )
    audit_log(user=by, action=Action.CREATE, obj=speech, org_path=meeting.cell.path)
    return speech


@transaction.atomic
def speech_delete(*, speech: Speech, by) -> None:
    meeting = _lock(speech.meeting)
    _check_writer(meeting, by)
    check_recordable(meeting)
    before = snapshot(speech)
    member_id = speech.member_id
    audit_log(user=by, action=Action.DELETE, obj=speech, org_path=meeting.cell.path, before=before)
    speech.delete()
    if member_id and not meeting.speeches.filter(member_id=member_id).exists():
        meeting.attendances.filter(member_id=member_id).update(spoke=False)


# --- roll call -----------------------------------------------------------------------------------------


@transaction.atomic
def attendance_mark(
    *,
    attendance: Attendance,
    status: str,
    reason: str = "",
    accepted_by: str = "",
    arrived_late_at: dt.datetime | None = None,
    left_early_at: dt.datetime | None = None,
    by,
) -> Attendance:
    """Mark one roster line. A member who arrived late or left early is present; an exempted member
    who comes is marked present and stays out of the counts (rules.attendance_counts)."""
    meeting = _lock(attendance.meeting)
    _check_writer(meeting, by)
    check_recordable(meeting)
    attendance = Attendance.objects.select_for_update().select_related("member").get(pk=attendance.pk)
    reason, accepted_by = reason.strip(), accepted_by.strip()
    problem = rules.attendance_problem(
        status=status,
        reason=reason,
        is_exempt=attendance.is_exempt,
        arrived_late_at=arrived_late_at,
        left_early_at=left_early_at,
        started_at=meeting.started_at,
        ended_at=meeting.ended_at,
    )
    if problem:
        raise ValidationError({problem[0]: problem[1]})
    if status != AttendanceStatus.EXCUSED:
        reason, accepted_by = "", ""
    before = snapshot(attendance)
    attendance.status, attendance.reason, attendance.accepted_by = status, reason, accepted_by
    attendance.arrived_late_at, attendance.left_early_at = arrived_late_at, left_early_at
    if status != AttendanceStatus.PRESENT:
        attendance.spoke = False
        attendance.checked_in_at = None
    fields = ["status", "reason", "accepted_by", "arrived_late_at", "left_early_at", "spoke", "checked_in_at"]
    if snapshot(attendance) != before:
        attendance.save(update_fields=fields)
        audit_log(user=by, action=Action.UPDATE, obj=attendance, org_path=meeting.cell.path, before=before)
    meeting_changed(meeting)
    return attendance


@transaction.atomic
def attendance_mark_all_present(*, meeting: Meeting, by) -> int:
    """One tap: everyone not yet marked is present. Lines already marked (absent with a reason from an
    advance report, exempt, ...) stay as they are. Returns how many lines changed."""
    meeting = _lock(meeting)
    _check_writer(meeting, by)
    check_recordable(meeting)
    lines = list(meeting.attendances.filter(status="").select_related("member"))
    befores = [snapshot(line) for line in lines]
    for line in lines:
        line.status = AttendanceStatus.PRESENT
    Attendance.objects.bulk_update(lines, ["status"])
    audit_bulk(
        [
            (Action.UPDATE, line, meeting.cell.path, before)
            for line, before in zip(lines, befores, strict=True)
        ],
        user=by,
    )
    meeting_changed(meeting)
    return len(lines)


@transaction.atomic
def guest_add(
    *, meeting: Meeting, name: str, title: str = "", is_upper_level: bool = False, user=None, by
) -> Guest:
    meeting = _lock(meeting)
    _check_writer(meeting, by)
    check_recordable(meeting)
    name, title = " ".join(name.split()), title.strip()
    if not name:
        raise ValidationError({"name": "Họ và tên khách mời: không được để trống."})
    same = meeting.guests.filter(name=name, title=title).first()
    if same is not None:
        return same
    guest = Guest.objects.create(
        meeting=meeting, name=name, title=title, is_upper_level=is_upper_level, user=user
    )
    audit_log(user=by, action=Action.CREATE, obj=guest, org_path=meeting.cell.path)
    meeting_changed(meeting)
    return guest


@transaction.atomic
def guest_delete(*, guest: Guest, by) -> None:
    meeting = _lock(guest.meeting)
    _check_writer(meeting, by)
    check_recordable(meeting)
    audit_log(user=by, action=Action.DELETE, obj=guest, org_path=meeting.cell.path, before=snapshot(guest))
    guest.delete()
    meeting_changed(meeting)


# --- check-in (§7) ------------------------------------------------------------------------------------


# A check-in later than this many minutes after the start is a late arrival.
LATE_AFTER_MINUTES = 0


class CheckinRefused(Exception):
    """A check-in that cannot be accepted; the message is for the member, in Vietnamese."""


def checkin_problem(meeting: Meeting, token: str | None) -> str | None:
    """Why a QR check-in is refused before looking at who scans it; None when the code is good.
    `token` None = the member's own button on the meeting page (no code needed)."""
    if meeting.status == MeetingStatus.PLANNED:
        return "Buổi sinh hoạt chưa bắt đầu: chỉ điểm danh được khi buổi sinh hoạt đang diễn ra."
    if meeting.status != MeetingStatus.OPEN:
        return "Buổi sinh hoạt không còn diễn ra: mã điểm danh đã hết hiệu lực."
    if token is not None and not (
        meeting.checkin_token and secrets.compare_digest(token, meeting.checkin_token)
    ):
        return "Mã điểm danh không đúng hoặc đã cũ: hãy quét lại mã QR trên màn hình của đồng chí bí thư."
    return None


@transaction.atomic
def member_checkin(
    *, meeting: Meeting, member: Member | None, token: str | None, at: dt.datetime | None = None
) -> Attendance:
    """A member marks themself present, with the QR code (`token`) or their own button. After the start
    the arrival time is kept as a late arrival. Checking in twice changes nothing."""
    meeting = _lock(meeting)
    problem = checkin_problem(meeting, token)
    if problem:
        raise CheckinRefused(problem)
    line = meeting.attendances.filter(member=member).first() if member is not None else None
    if line is None or member is None:
        raise CheckinRefused(
            "Đồng chí không có tên trong danh sách điểm danh của buổi sinh hoạt này "
            f"({meeting.cell.name}, {timezone.localtime(meeting.scheduled_at):%d/%m/%Y})."
        )
    if line.status == AttendanceStatus.PRESENT:
        return line
    at = at or timezone.now()
    before = snapshot(line)
    line.status = AttendanceStatus.PRESENT
    line.reason = line.accepted_by = ""
    line.checked_in_at = at
    if meeting.started_at and at > meeting.started_at + dt.timedelta(minutes=LATE_AFTER_MINUTES):
        line.arrived_late_at = at
    line.save(update_fields=["status", "reason", "accepted_by", "checked_in_at", "arrived_late_at"])
    audit_log(user=member.user, action=Action.UPDATE, obj=line, org_path=meeting.cell.path, before=before)
    return line


# --- votes ---------------------------------------------------------------------------------------------


@transaction.atomic
def vote_record(
    *, meeting: Meeting, kind: str, motion: str, in_favour: int, against: int, abstain: int, by
) -> Vote:
    """Record a show of hands. The number entitled to vote and the result are computed from the roll
    call at this moment (DOMAIN §5) and kept with the vote."""
    meeting = _lock(meeting)
    _check_writer(meeting, by)
    check_recordable(meeting)
    motion = motion.strip()
    if not motion:
        raise ValidationError({"motion": "Nội dung biểu quyết: không được để trống."})
    if kind not in MotionKind.values:
        raise ValidationError({"kind": "Loại biểu quyết: lựa chọn không hợp lệ."})
    lines = roll_call_lines(meeting)
    problem = rules.vote_problem(
        in_favour=in_favour, against=against, abstain=abstain, present_voters=rules.voters_present(lines)
    )
    if problem:
        raise ValidationError({problem[0]: problem[1]})
    entitled = rules.vote_entitled(lines)
    same = meeting.votes.filter(
        kind=kind, motion=motion, in_favour=in_favour, against=against, abstain=abstain
    ).first()
    if same is not None:
        return same
    vote = Vote.objects.create(
        meeting=meeting,
        kind=kind,
        motion=motion,
        in_favour=in_favour,
        against=against,
        abstain=abstain,
        entitled=entitled,
        passed=rules.vote_passed(kind=kind, in_favour=in_favour, entitled=entitled),
    )
    audit_log(user=by, action=Action.CREATE, obj=vote, org_path=meeting.cell.path)
    return vote


@transaction.atomic
def vote_delete(*, vote: Vote, by) -> None:
    meeting = _lock(vote.meeting)
    _check_writer(meeting, by)
    check_recordable(meeting)
    audit_log(user=by, action=Action.DELETE, obj=vote, org_path=meeting.cell.path, before=snapshot(vote))
    vote.delete()
