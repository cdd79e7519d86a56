"""/api/v1/members and /api/v1/orgs/{id}/roster.

Reads are scoped by members.access exactly like the web pages; writes call members.services with
`by=request.user`, so the API checks the same rules and leaves the same audit entries as the web.
The roster lives here, not in orgs/api.py, because orgs sits below members and never imports it.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Subquery
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_validator

from chibo.audit.services import audit_read
from chibo.common.api.errors import renamed_fields
from chibo.common.api.schemas import READ_ERRORS, WRITE_ERRORS, Day, Id, InputSchema, Pagination, PathId, Text
from chibo.common.collation import name_order
from chibo.common.dates import fmt, today
from chibo.members import services
from chibo.members.access import (
    can_write_member,
    get_cell_for_write,
    get_member_for_user,
    get_roster_org_for_user,
    members_visible_to,
)
from chibo.members.access import member as member_policy
from chibo.members.models import (
    Exemption,
    Gender,
    Member,
    Membership,
    MembershipKind,
    PositionKind,
    TrainingKind,
    WorkStatus,
)
from chibo.members.selectors import (
    current_membership,
    member_history,
    member_org_path,
    members_of,
    roster_on,
    search_members,
    user_org_path,
)
from chibo.orgs.models import Organisation

router = Router()
# Mounted at /orgs next to orgs.api's router: member data about an organisation.
org_router = Router()


# ---------------------------------------------------------------- schemas


class MemberOut(Schema):
    id: int
    full_name: str
    gender: Gender
    birth_date: dt.date | None
    card_number: str
    admitted_on: dt.date
    official_on: dt.date | None
    work_status: WorkStatus
    cell_id: int | None = Field(None, description="Chi bộ sinh hoạt chính thức hôm nay.")

    # A member who left the caller's organisations is listed without their birth date or new cell.
    @staticmethod
    def resolve_birth_date(obj):
        return _present(obj, "birth_date")

    @staticmethod
    def resolve_cell_id(obj):
        return _present(obj, "cell_id")


def _present(obj, field: str):
    if isinstance(obj, dict):
        return obj.get(field)
    return getattr(obj, field, None) if getattr(obj, "is_current", True) else None


class MembershipOut(Schema):
    id: int
    cell_id: int
    cell_name: str = Field(alias="cell.name")
    kind: MembershipKind
    valid_from: dt.date
    valid_until: dt.date | None
    note: str


class PositionOut(Schema):
    id: int
    cell_id: int
    cell_name: str = Field(alias="cell.name")
    kind: PositionKind
    valid_from: dt.date
    valid_until: dt.date | None
    decision_ref: str


class ExemptionOut(Schema):
    id: int
    valid_from: dt.date
    valid_until: dt.date | None
    reason: str
    decision_ref: str


class TrainingOut(Schema):
    id: int
    course_title: str
    kind: TrainingKind
    organiser: str
    started_on: dt.date
    ended_on: dt.date | None
    completed: bool


class MemberDetailOut(MemberOut):
    citizen_id: str | None
    phone: str
    email: str
    memberships: list[MembershipOut]
    positions: list[PositionOut]
    exemptions: list[ExemptionOut]
    trainings: list[TrainingOut]
    can_write: bool = Field(description="Người gọi được sửa hồ sơ này.")


class RosterMemberOut(Schema):
    id: int
    full_name: str
    gender: Gender
    card_number: str
    work_status: WorkStatus
    is_temporary: bool = Field(description="Sinh hoạt tạm thời ở đây (không phải chi bộ chính thức).")
    is_exempt: bool = Field(
        description="Được miễn sinh hoạt vào ngày đó: có trong danh sách, không tính dự họp."
    )


def _blank_is_none(value):
    # Citizen IDs are unique when present: an empty string would clash with the next empty one.
    return value or None


class MemberCreateIn(InputSchema):
    full_name: Text = Field(min_length=1, max_length=120)
    gender: Gender
    birth_date: Day | None = None
    card_number: Text = Field(min_length=1, max_length=20)
    citizen_id: Text | None = Field(None, description="12 chữ số; để trống nếu chưa có.")

    phone: Text = Field("", max_length=20)
    email: Text = Field("", max_length=254)
    admitted_on: Day
    official_on: Day | None = None
    work_status: WorkStatus = WorkStatus.WORKING
    cell: Id = Field(description="Chi bộ sinh hoạt chính thức; người gọi phải có quyền ghi ở đó.")
    joined_on: Day | None = Field(
        None, description="Ngày bắt đầu sinh hoạt ở chi bộ; mặc định là ngày vào Đảng."
    )

    _citizen_id = field_validator("citizen_id")(_blank_is_none)


class MemberUpdateIn(InputSchema):
    """Only the fields sent are changed; `null` clears the optional ones (birth date, citizen ID,
    official date), `""` clears phone and e-mail. The cell changes only through /transfer."""

    full_name: Text = Field(None, min_length=1, max_length=120)
    gender: Gender = None
    birth_date: Day | None = None
    card_number: Text = Field(None, min_length=1, max_length=20)
    citizen_id: Text | None = None
    phone: Text = Field(None, max_length=20)

    email: Text = Field(None, max_length=254)
    admitted_on: Day = None
    official_on: Day | None = None
    work_status: WorkStatus = None

    _citizen_id = field_validator("citizen_id")(_blank_is_none)


class TransferIn(InputSchema):
    to_cell: Id
    on: Day
    note: Text = Field("", max_length=255)


class PositionIn(InputSchema):
    kind: PositionKind
    valid_from: Day
    valid_until: Day | None = None
    decision_ref: Text = Field("", max_length=60)
    cell: Id | None = Field(None, description="Mặc định: chi bộ sinh hoạt chính thức vào ngày `valid_from`.")


# ---------------------------------------------------------------- helpers


def _with_cell(qs):
    official_here = Membership.objects.valid_on(today()).filter(
        member=OuterRef("pk"), kind=MembershipKind.OFFICIAL
    )
    return qs.annotate(cell_id=Subquery(official_here.values("cell_id")[:1]))


# Shown only to those who read the member's organisation now (members.access.MemberPolicy.current_qs).
PRESENT_FIELDS = ("birth_date", "citizen_id", "phone", "email", "cell_id")


def _detail(request, member: Member) -> dict:
    member = _with_cell(Member.objects.filter(pk=member.pk)).get()
    full = member_policy.shows_current(request.user, member)
    data = {f: getattr(member, f) for f in MemberDetailOut.model_fields if hasattr(member, f)}
    if not full:
        # A member who left the caller's organisations: their history there, nothing of now.
        data.update({f: None for f in PRESENT_FIELDS}, phone="", email="")
    history = member_history(member, None if full else member_policy.history_orgs(request.user))
    return {**data, **history, "can_write": can_write_member(request.user, member)}


def _log_read(request, *, object_id: str, what: str, org_path: str, detail: dict | None = None) -> None:
    audit_read(
        user=request.user, model="members.member", object_id=object_id, what=what, org_path=org_path, detail=detail
    )


# ---------------------------------------------------------------- members


@router.get("", response={200: list[MemberOut], **READ_ERRORS})
@paginate(Pagination)
def member_list(request, q: Text | None = None):
    """Members whose records the caller may read, in Vietnamese name order.

    `q` finds names without diacritics ("nguyen van an" finds "Nguyễn Văn An"), or an exact party card
    number or citizen ID."""
    _log_read(
        request,
        object_id=f"list:{q or ''}",
        what="Đọc danh sách đảng viên qua API" + (f" (tìm «{q}»)" if q else ""),
        org_path=user_org_path(request.user),
        detail={"q": q or ""},
    )
    current = member_policy.current_qs(request.user)
    members = search_members(members_visible_to(request.user), q or "", identity_within=current)
    return (
        _with_cell(members)
        .annotate(is_current=Exists(current.filter(pk=OuterRef("pk"))))
        .order_by(*name_order())
    )


@router.get("/{member_id}", response={200: MemberDetailOut, **READ_ERRORS})
def member_detail(request, member_id: PathId):
    """One member with memberships, positions, exemptions and training records."""
    member = get_member_for_user(request.user, member_id)
    _log_read(
        request,
        object_id=str(member.pk),
        what=f"Xem hồ sơ đảng viên {member.full_name} ({member.card_number}) qua API",
        org_path=member_org_path(member),
    )
    return _detail(request, member)


@router.post("", response={201: MemberDetailOut, **WRITE_ERRORS})
def member_create(request, payload: MemberCreateIn):
    """Create a member and their official membership in `cell` from `joined_on`."""
    fields = payload.dict()
    cell = get_cell_for_write(request.user, fields.pop("cell"), "cell")
    joined_on = fields.pop("joined_on")
    with renamed_fields(valid_from="joined_on"):
        member = services.member_create(by=request.user, cell=cell, joined_on=joined_on, **fields)
    return Status(201, _detail(request, member))


@router.patch("/{member_id}", response={200: MemberDetailOut, **WRITE_ERRORS})
def member_update(request, member_id: PathId, payload: MemberUpdateIn):
    member = get_member_for_user(request.user, member_id, write=True)
    # Only what the client sent; the schema already refuses null for the fields that need a value.
    fields = payload.dict(exclude_unset=True)
    if fields:
        services.member_update(member=member, by=request.user, **fields)
    return _detail(request, member)


@router.post("/{member_id}/transfer", response={201: MembershipOut, **WRITE_ERRORS})
def member_transfer(request, member_id: PathId, payload: TransferIn):
    """Official transfer: the current membership ends on `on`, one in `to_cell` starts on `on`.
    The caller must be allowed to write both the member's cell and `to_cell`."""
    member = get_member_for_user(request.user, member_id, write=True)
    to_cell = get_cell_for_write(request.user, payload.to_cell, "to_cell")
    with renamed_fields(cell="to_cell"):
        membership = services.member_transfer(
            member=member, to_cell=to_cell, on=payload.on, note=payload.note, by=request.user
        )
    return Status(201, membership)


@router.post("/{member_id}/positions", response={201: PositionOut, **WRITE_ERRORS})
def position_assign(request, member_id: PathId, payload: PositionIn):
    """Secretary, deputy or cell-committee member, checked against DOMAIN §3 (one secretary at a time,
    at most one deputy, a committee of at most 7 only in cells of 9 or more official members)."""
    member = get_member_for_user(request.user, member_id, write=True)
    if payload.cell is not None:
        cell = get_cell_for_write(request.user, payload.cell, "cell")
    else:
        home = current_membership(member, payload.valid_from)
        if home is None:
            raise ValidationError(
                {
                    "cell": f"{member.full_name} không sinh hoạt chính thức ở chi bộ nào vào ngày "
                    f"{fmt(payload.valid_from)}; hãy ghi rõ chi bộ."
                }
            )
        cell = get_cell_for_write(request.user, home.cell_id, "cell")
    position = services.position_assign(
        member=member,
        cell=cell,
        kind=payload.kind,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        decision_ref=payload.decision_ref,
        by=request.user,
    )
    return Status(201, position)


# ---------------------------------------------------------------- rosters


@org_router.get("/{org_id}/roster", response={200: list[RosterMemberOut], **READ_ERRORS})
@paginate(Pagination)
def org_roster(request, org_id: PathId, date: Day | None = None):
    """Members expected on `date` (default today). For a cell: its official members not away on
    temporary activity, plus guests on temporary activity here. For a committee: every member with a
    membership anywhere in its subtree. Needs the right to read member records (404 otherwise, as on
    the web)."""
    org = get_roster_org_for_user(request.user, org_id)
    day = date or today()
    _log_read(
        request,
        object_id=f"roster:{org.pk}:{day.isoformat()}",
        what=f"Đọc danh sách đảng viên {org.name} ngày {fmt(day)} qua API",
        org_path=org.path,
    )
    if org.is_cell:
        return roster_on(org, day)
    cells = Organisation.objects.subtree_of(org).values("pk")
    official_here = Membership.objects.valid_on(day).filter(
        member=OuterRef("pk"), cell__in=cells, kind=MembershipKind.OFFICIAL
    )
    return (
        members_of(org, day)
        .annotate(
            is_temporary=~Exists(official_here),
            is_exempt=Exists(Exemption.objects.valid_on(day).filter(member=OuterRef("pk"))),
        )
        .order_by(*name_order())
    )
