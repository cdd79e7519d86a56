"""/api/v1/meetings: meetings, roll calls, votes and minutes (issue 3 §8).

Same rules as the web pages, through the same access path (meetings.access) and the same services,
so both leave the same audit entries:
- whoever sees the cell (its members too) reads its meetings and their approved minutes;
- the roll call and the votes are read by those who may read the cell's member records (cell
  leaders, committee staff, supervisors); a plain member gets 403, as on the web;
- draft minutes are read only by those who may write the cell (403 otherwise, as on the web);
- every write needs the right to write the cell (cell leader, committee staff): 403 for supervisors.
"""

import datetime as dt
import re
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

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
from chibo.common.collation import name_order
from chibo.meetings import access, rules
from chibo.meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    MotionKind,
)
from chibo.meetings.services import minutes as minutes_services
from chibo.meetings.services import planning, running
from chibo.members.models import Member
from chibo.members.selectors import roster_on
from chibo.orgs.access import can_see_org
from chibo.orgs.models import Organisation, in_subtree_q

router = Router()

# GETs that a visible meeting may still refuse (roll call, votes, draft minutes) answer 403 too.
READ_ERRORS_403 = {**READ_ERRORS, 403: ErrorOut}

NO_MINUTES = access.MINUTES_NOT_FOUND

# ---------------------------------------------------------------- input and output types

# Dates outside these bounds mean nothing for a meeting, and at the far ends the shift to UTC overflows.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
BAD_MOMENT = "Thời điểm không hợp lệ; dùng dạng YYYY-MM-DDTHH:MM (giờ Việt Nam) hoặc kèm múi giờ."
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?")


def _iso_moment(value):
    """ISO 8601 only (not Unix time); a time without an offset is local time (Asia/Ho_Chi_Minh)."""
    if isinstance(value, str) and _ISO_MOMENT.fullmatch(value):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(BAD_MOMENT) from None
    if not isinstance(value, dt.datetime) or not FIRST_DAY.year <= value.year <= LAST_DAY.year:
        raise ValueError(BAD_MOMENT)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


# Every date-and-time input.
Moment = Annotated[dt.datetime, BeforeValidator(_iso_moment)]
# Every date-and-time output: local time with its offset (+07:00), as the secretary reads it.
LocalTime = Annotated[
    dt.datetime,
    PlainSerializer(lambda v: timezone.localtime(v).isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]


class PersonOut(Schema):
    id: int
    full_name: str


class MeetingOut(Schema):
    id: int
    cell_id: int
    cell_name: str = Field(alias="cell.name")
    kind: MeetingKind
    status: MeetingStatus
    scheduled_at: LocalTime
    place: str
    topic: str
    extra_reason: str = Field(description="Lý do họp thêm: có khi là buổi thường kỳ thứ hai trong tháng.")
    started_at: LocalTime | None
    ended_at: LocalTime | None
    rule_set_code: str = Field(alias="rule_set.code", description="Bộ quy định áp dụng cho buổi này.")


class StepOut(Schema):
    order: int
    title: str
    mandatory: bool
    done: bool
    done_at: LocalTime | None
    notes: str


class GuestOut(Schema):
    id: int
    name: str
    title: str
    is_upper_level: bool


class MeetingMaterialOut(Schema):
    id: int
    title: str
    published_at: LocalTime | None


class MeetingDetailOut(MeetingOut):
    rule_set_name: str = Field(alias="rule_set.name")
    cancel_reason: str
    reschedule_note: str
    time_note: str = Field(
        description="Ghi chú khi buổi họp bắt đầu sớm hơn ngày dự kiến và được chuyển sang ngày đó."
    )
    chair: PersonOut | None
    minute_taker: PersonOut | None
    materials_published_at: LocalTime | None = Field(description="Lúc tài liệu được gửi tới đảng viên.")
    materials: list[MeetingMaterialOut] = Field(
        alias="visible_materials", description="Người không có quyền ghi chỉ thấy tài liệu đã công bố."
    )
    steps: list[StepOut]
    guests: list[GuestOut]
    minutes_status: MinutesStatus | None = Field(None, description="Trống: chưa có biên bản.")
    can_write: bool = Field(description="Người gọi được điều hành buổi sinh hoạt này.")


class MeetingCreateIn(InputSchema):
    cell: Id = Field(description="Chi bộ; người gọi phải có quyền ghi ở đó.")
    kind: MeetingKind
    scheduled_at: Moment
    place: Text = Field("", max_length=255)
    topic: Text = Field("", max_length=255)
    extra_reason: Text = Field(
        "", max_length=255, description="Bắt buộc khi chi bộ đã có buổi sinh hoạt thường kỳ khác trong tháng."
    )


class OpenIn(InputSchema):
    started_at: Moment | None = Field(None, description="Mặc định: bây giờ.")
    chair: Id | None = Field(None, description="Id đảng viên chủ trì (được ghi có mặt).")
    minute_taker: Id | None = Field(None, description="Id đảng viên làm thư ký (được ghi có mặt).")


CONFIRM_SHORT = "Bắt buộc `true` khi buổi sinh hoạt ngắn hơn thời lượng tối thiểu của bộ quy định."


class MeetingCloseIn(InputSchema):
    ended_at: Moment | None = Field(
        None,
        description="Mặc định: giờ bắt đầu (dự kiến, hoặc thực tế nếu muộn hơn) + thời lượng tối thiểu, "
        "không quá bây giờ. Không được là giờ chưa tới.",
    )
    confirm_short: Flag = Field(False, description=CONFIRM_SHORT)


class TimesIn(InputSchema):
    started_at: Moment | None = Field(None, description="Giờ bắt đầu đúng; không đổi nếu bỏ trống.")
    ended_at: Moment | None = Field(
        None, description="Giờ kết thúc đúng (buổi đã họp); không đổi nếu bỏ trống."
    )
    confirm_short: Flag = Field(False, description=CONFIRM_SHORT)


class ApproveIn(InputSchema):
    confirm: Flag = Field(
        False,
        description="Bắt buộc `true`: thông qua thì biên bản bị khóa (người dùng đã được hỏi và đồng ý).",
    )


class AttendanceOut(Schema):
    member_id: int
    full_name: str = Field(alias="member.full_name")
    status: AttendanceStatus | None = Field(description="Trống: chưa điểm danh.")
    reason: str
    accepted_by: str
    is_exempt: bool
    is_temporary: bool
    is_official: bool
    arrived_late_at: LocalTime | None
    left_early_at: LocalTime | None
    checked_in_at: LocalTime | None
    spoke: bool

    @staticmethod
    def resolve_status(obj) -> str | None:
        return obj.status or None


class AttendanceIn(InputSchema):
    """Only the fields sent change; the others keep what the roll call holds."""

    status: AttendanceStatus = None
    reason: Text = Field(None, max_length=255)
    accepted_by: Text = Field(None, max_length=120)
    arrived_late_at: Moment | None = None
    left_early_at: Moment | None = None


class MarkedOut(Schema):
    changed: int = Field(description="Số đảng viên vừa được ghi có mặt.")


class VoteOut(Schema):
    id: int
    kind: MotionKind
    motion: str
    in_favour: int
    against: int
    abstain: int
    entitled: int = Field(description="Số đảng viên có quyền biểu quyết (DOMAIN §5) lúc biểu quyết.")
    needed: int = Field(description="Số phiếu tán thành tối thiểu để thông qua.")
    passed: bool
    recorded_at: LocalTime

    @staticmethod
    def resolve_needed(obj) -> int:
        return rules.votes_needed(kind=obj.kind, entitled=obj.entitled)


class VoteIn(InputSchema):
    kind: MotionKind = MotionKind.RESOLUTION
    motion: Text = Field(min_length=1, max_length=255)
    in_favour: Count = Field(ge=0, le=32767)
    against: Count = Field(0, ge=0, le=32767)
    abstain: Count = Field(0, ge=0, le=32767)


class AmendmentOut(Schema):
    id: int
    text: str
    reason: str
    created_at: LocalTime
    created_by: str | None

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return obj.created_by.username if obj.created_by_id else None


class MinutesOut(Schema):
    id: int
    meeting_id: int
    number: str
    status: MinutesStatus
    body: str
    approved_at: LocalTime | None
    approved_by: str | None
    updated_at: LocalTime
    deadline: dt.date = Field(description="Hạn hoàn thành biên bản theo bộ quy định.")
    on_time: bool | None = Field(description="Trống: chưa đánh giá được (chưa họp xong hoặc chưa tới hạn).")
    amendments: list[AmendmentOut]


class MinutesIn(InputSchema):
    body: Text = Field(None, min_length=1)
    number: Text = Field(None, max_length=40)


class MinutesBuildIn(InputSchema):
    rebuild: Flag = Field(False, description="Lập lại dự thảo từ dữ liệu đã ghi (bỏ phần đã sửa tay).")


class AmendmentIn(InputSchema):
    text: Text = Field(min_length=1)
    reason: Text = Field(min_length=1, max_length=255)


# ---------------------------------------------------------------- helpers


def _meeting(request, meeting_id: int, *, write: bool = False) -> Meeting:
    return access.meeting.get_for_user(request.user, meeting_id, write=write)


def _detail(request, meeting: Meeting) -> Meeting:
    meeting = (
        Meeting.objects.select_related("cell", "rule_set", "chair", "minute_taker")
        .prefetch_related("steps", "guests", "materials")
        .get(pk=meeting.pk)
    )
    meeting.can_write = access.meeting.can_edit(request.user, meeting)
    meeting.visible_materials = [m for m in meeting.materials.all() if meeting.can_write or m.published_at]
    meeting.minutes_status = Minutes.objects.filter(meeting=meeting).values_list("status", flat=True).first()
    return meeting


def _writable_cell(user, pk: int) -> Organisation:
    """The cell named in a body: unknown or invisible is bad input (422, without revealing that it
    exists); visible but not writable is a refusal (403)."""
    org = Organisation.objects.filter(pk=pk).first()
    if org is None or not can_see_org(user, org):
        raise ValidationError({"cell": f"Không tìm thấy chi bộ có id {pk}."})
    access.require_create_meeting(user, org)
    return org


def _roster_member(meeting: Meeting, pk: int | None, field: str) -> Member | None:
    """A member named in a body must be on the meeting's roster (as in the web form's choices)."""
    if pk is None:
        return None
    if meeting.status == MeetingStatus.PLANNED:
        candidates = roster_on(meeting.cell, running.meeting_day(meeting))
    else:
        candidates = Member.objects.filter(attendances__meeting=meeting)
    member = candidates.filter(pk=pk).first()
    if member is None:
        raise ValidationError({field: f"Không có đảng viên id {pk} trong danh sách sinh hoạt của buổi này."})
    return member


def _minutes_of(meeting: Meeting) -> Minutes:
    minutes = Minutes.objects.select_related("approved_by", "meeting__cell").filter(meeting=meeting).first()
    if minutes is None:
        raise Http404(NO_MINUTES)
    return minutes


def _minutes_out(minutes: Minutes) -> dict:
    minutes = Minutes.objects.select_related("approved_by", "meeting__rule_set").get(pk=minutes.pk)
    meeting = minutes.meeting
    return {
        **{f: getattr(minutes, f) for f in ("id", "meeting_id", "number", "status", "body", "approved_at")},
        "updated_at": minutes.updated_at,
        "approved_by": minutes.approved_by.username if minutes.approved_by_id else None,
        "deadline": minutes_services.minutes_deadline(meeting),
        "on_time": minutes_services.minutes_on_time(meeting),
        "amendments": list(minutes.amendments.select_related("created_by")),
    }


# ---------------------------------------------------------------- meetings


@router.get("", response={200: list[MeetingOut], **READ_ERRORS})
@paginate(Pagination)
def meeting_list(
    request,
    org: int | None = Query(None, ge=1, le=MAX_ID, description="Tổ chức: các buổi của mọi chi bộ trong đó."),
    cell: int | None = Query(None, ge=1, le=MAX_ID, description="Id chi bộ."),
    cell_code: str | None = Query(None, max_length=40, pattern=r"^[^\x00]*$", description="Mã chi bộ."),
    kind: MeetingKind | None = None,
    status: MeetingStatus | None = None,
    date_from: Day | None = None,
    date_to: Day | None = None,
):
    """Meetings the caller may see, newest first. `date_from` / `date_to` (YYYY-MM-DD, both included)
    are local dates of the scheduled time."""
    meetings = access.meeting.visible_qs(request.user).select_related("cell", "rule_set")
    if org is not None:
        # An organisation the caller cannot see filters down to nothing; it reveals nothing either.
        root = Organisation.objects.filter(pk=org).values_list("path", flat=True).first()
        meetings = meetings.filter(in_subtree_q(root, via="cell")) if root else meetings.none()
    if cell is not None:
        meetings = meetings.filter(cell_id=cell)
    if cell_code:
        meetings = meetings.filter(cell__code=cell_code)
    if kind is not None:
        meetings = meetings.filter(kind=kind)
    if status is not None:
        meetings = meetings.filter(status=status)
    if date_from is not None:
        day = min(max(date_from, FIRST_DAY), LAST_DAY)
        meetings = meetings.filter(scheduled_at__gte=planning.local_moment(day, dt.time()))
    if date_to is not None:
        day = min(max(date_to, FIRST_DAY), LAST_DAY) + dt.timedelta(days=1)
        meetings = meetings.filter(scheduled_at__lt=planning.local_moment(day, dt.time()))
    return meetings.order_by("-scheduled_at", "-pk")


@router.get("/{meeting_id}", response={200: MeetingDetailOut, **READ_ERRORS})
def meeting_detail(request, meeting_id: PathId):
    """One meeting with its steps, guests, chair, minute-taker, times, rule set and materials."""
    return _detail(request, _meeting(request, meeting_id))


@router.post("", response={201: MeetingDetailOut, **WRITE_ERRORS})
def meeting_create(request, payload: MeetingCreateIn):
    """Plan a meeting. A second regular meeting of the cell in the same month needs `extra_reason`."""
    fields = payload.dict()
    cell = _writable_cell(request.user, fields.pop("cell"))
    meeting = planning.meeting_create(cell=cell, by=request.user, **fields)
    return Status(201, _detail(request, meeting))


@router.post("/{meeting_id}/open", response={200: MeetingDetailOut, **WRITE_ERRORS})
def meeting_open(request, meeting_id: PathId, payload: OpenIn = None):
    """Start a planned meeting: the rule set's steps are copied and the roll call is taken from the
    roster of the day (exempted members and advance absence reports pre-filled)."""
    meeting = _meeting(request, meeting_id, write=True)
    payload = payload or OpenIn()
    chair = _roster_member(meeting, payload.chair, "chair")
    minute_taker = _roster_member(meeting, payload.minute_taker, "minute_taker")
    meeting = running.meeting_open(
        meeting=meeting,
        started_at=payload.started_at,
        chair=chair,
        minute_taker=minute_taker,
        by=request.user,
    )
    return _detail(request, meeting)


@router.post("/{meeting_id}/close", response={200: MeetingDetailOut, **WRITE_ERRORS})
def meeting_close(request, meeting_id: PathId, payload: MeetingCloseIn = None):
    """End an open meeting at `ended_at` (after the start, not in the future; by default the start plus
    the rule set's minimum duration); every roster line must be marked first. Shorter than the minimum
    needs `confirm_short: true`."""
    meeting = _meeting(request, meeting_id, write=True)
    payload = payload or MeetingCloseIn()
    meeting = running.meeting_close(
        meeting=meeting, ended_at=payload.ended_at, confirm_short=payload.confirm_short, by=request.user
    )
    return _detail(request, meeting)


@router.patch("/{meeting_id}/times", response={200: MeetingDetailOut, **WRITE_ERRORS})
def meeting_set_times(request, meeting_id: PathId, payload: TimesIn):
    """Correct the recorded start (open or held meeting) and end (held meeting) until the minutes are
    approved (then 422: use an amendment), under the rules of opening and closing."""
    meeting = _meeting(request, meeting_id, write=True)
    meeting = running.meeting_set_times(
        meeting=meeting,
        started_at=payload.started_at,
        ended_at=payload.ended_at,
        confirm_short=payload.confirm_short,
        by=request.user,
    )
    return _detail(request, meeting)


# ---------------------------------------------------------------- roll call


@router.get("/{meeting_id}/attendance", response={200: list[AttendanceOut], **READ_ERRORS_403})
@paginate(Pagination)
def attendance_list(request, meeting_id: PathId):
    """The roll call, in Vietnamese name order (empty until the meeting opens)."""
    meeting = _meeting(request, meeting_id)
    access.meeting.check_read_roll_call(request.user, meeting)
    return meeting.attendances.select_related("member").order_by(*name_order("member__"), "pk")


# Before /attendance/{member_id}: ninja tries routes in order, and that one would match this path.
@router.post("/{meeting_id}/attendance/mark-all-present", response={200: MarkedOut, **WRITE_ERRORS})
def attendance_mark_all_present(request, meeting_id: PathId):
    """Everyone not yet marked is present; lines already marked stay as they are."""
    meeting = _meeting(request, meeting_id, write=True)
    return {"changed": running.attendance_mark_all_present(meeting=meeting, by=request.user)}


@router.patch("/{meeting_id}/attendance/{member_id}", response={200: AttendanceOut, **WRITE_ERRORS})
def attendance_mark(request, meeting_id: PathId, member_id: PathId, payload: AttendanceIn):
    """Mark one member: `present` (with `arrived_late_at` / `left_early_at` if so), `excused` (with
    `reason` and `accepted_by`), `unexcused`, or `exempt` (only for exempted members)."""
    meeting = _meeting(request, meeting_id, write=True)
    line = Attendance.objects.select_related("member").filter(meeting=meeting, member_id=member_id).first()
    if line is None:
        raise Http404("Đảng viên không có tên trong danh sách điểm danh của buổi này.")
    sent = payload.dict(exclude_unset=True)
    fields = {
        f: sent[f] if f in sent else getattr(line, f)
        for f in ("status", "reason", "accepted_by", "arrived_late_at", "left_early_at")
    }
    if fields["status"] is None:
        raise ValidationError({"status": "Điểm danh: hãy chọn có mặt, vắng có lý do, vắng không lý do."})
    fields["reason"] = fields["reason"] or ""
    fields["accepted_by"] = fields["accepted_by"] or ""
    return running.attendance_mark(attendance=line, by=request.user, **fields)


# ---------------------------------------------------------------- votes


@router.get("/{meeting_id}/votes", response={200: list[VoteOut], **READ_ERRORS_403})
@paginate(Pagination)
def vote_list(request, meeting_id: PathId):
    meeting = _meeting(request, meeting_id)
    access.meeting.check_read_roll_call(request.user, meeting)
    return meeting.votes.order_by("recorded_at", "pk")


@router.post("/{meeting_id}/votes", response={201: VoteOut, **WRITE_ERRORS})
def vote_record(request, meeting_id: PathId, payload: VoteIn):
    """Record a show of hands. `entitled` and `passed` are computed from the roll call (DOMAIN §5).
    More ballots than voters present is refused, naming the three counts."""
    meeting = _meeting(request, meeting_id, write=True)
    try:
        vote = running.vote_record(meeting=meeting, by=request.user, **payload.dict())
    except ValidationError as exc:
        if not hasattr(exc, "error_dict") or "in_favour" not in exc.error_dict:
            raise
        # The service names the first count; the sum of all three is what is wrong.
        errors = dict(exc.error_dict)
        for field in ("against", "abstain"):
            errors.setdefault(field, errors["in_favour"])
        raise ValidationError(errors) from exc
    return Status(201, vote)


# ---------------------------------------------------------------- minutes


@router.get("/{meeting_id}/minutes", response={200: MinutesOut, **READ_ERRORS_403})
def minutes_detail(request, meeting_id: PathId):
    """Approved minutes for whoever sees the meeting; a draft only for those who may write the cell."""
    meeting = _meeting(request, meeting_id)
    minutes = _minutes_of(meeting)
    access.minutes.check_read(request.user, minutes)
    return _minutes_out(minutes)


@router.post("/{meeting_id}/minutes/build", response={200: MinutesOut, 201: MinutesOut, **WRITE_ERRORS})
def minutes_build(request, meeting_id: PathId, payload: MinutesBuildIn = None):
    """Build the draft from what was recorded (201); an existing draft is returned as it is (200)
    unless `rebuild`. Approved minutes are never rebuilt."""
    meeting = _meeting(request, meeting_id, write=True)
    existed = Minutes.objects.filter(meeting=meeting).exists()
    minutes = minutes_services.minutes_build(
        meeting=meeting, by=request.user, rebuild=bool(payload and payload.rebuild)
    )
    return Status(200 if existed else 201, _minutes_out(minutes))


@router.patch("/{meeting_id}/minutes", response={200: MinutesOut, **WRITE_ERRORS})
def minutes_update(request, meeting_id: PathId, payload: MinutesIn):
    """Edit the draft's `body` or `number`. Approved minutes are locked (422): use an amendment."""
    meeting = _meeting(request, meeting_id, write=True)
    minutes = _minutes_of(meeting)
    sent = payload.dict(exclude_unset=True)
    minutes = minutes_services.minutes_update(
        minutes=minutes, body=sent.get("body") or minutes.body, number=sent.get("number"), by=request.user
    )
    return _minutes_out(minutes)


@router.post("/{meeting_id}/minutes/approve", response={200: MinutesOut, **WRITE_ERRORS})
def minutes_approve(request, meeting_id: PathId, payload: ApproveIn = None):
    """Adopt the minutes: locked from now on; an empty number gets the cell's next one. Needs
    `{"confirm": true}` (422 without it)."""
    meeting = _meeting(request, meeting_id, write=True)
    confirmed = bool(payload and payload.confirm)
    minutes = minutes_services.minutes_approve(
        minutes=_minutes_of(meeting), confirmed=confirmed, by=request.user
    )
    return _minutes_out(minutes)


@router.post("/{meeting_id}/minutes/amendments", response={201: AmendmentOut, **WRITE_ERRORS})
def minutes_amend(request, meeting_id: PathId, payload: AmendmentIn):
    """A logged correction of approved minutes; the approved text itself never changes."""
    meeting = _meeting(request, meeting_id, write=True)
    amendment = minutes_services.minutes_amend(
        minutes=_minutes_of(meeting), text=payload.text, reason=payload.reason, by=request.user
    )
    return Status(201, amendment)
