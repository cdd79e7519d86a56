"""/api/v1/orgs: the organisation tree, scoped like the web (orgs.access), and the rights of a subtree
(list, grant, revoke through orgs.services, with the same checks and audit entries as the web)."""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from chibo.common.api.errors import renamed_fields
from chibo.common.api.schemas import (
    MAX_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    Day,
    ErrorOut,
    InputSchema,
    Pagination,
    PathId,
    Text,
)
from chibo.common.dates import today
from chibo.common.people import person_name
from chibo.orgs.access import (
    can_read_members_of,
    can_write_org,
    get_org_for_rights,
    get_org_for_user,
    get_role_for_user,
    orgs_visible_to,
)
from chibo.orgs.models import GRANTABLE_ROLES, CellKind, OrgKind, Role, RoleKind
from chibo.orgs.rights import find_account, rights_held_in
from chibo.orgs.services import role_grant, role_revoke

router = Router()


class OrgOut(Schema):
    id: int
    code: str
    name: str
    kind: OrgKind
    cell_kind: CellKind | None = Field(None, description="Chỉ với chi bộ (`kind` = `cell`).")
    parent_id: int | None
    depth: int
    founded_on: dt.date | None
    dissolved_on: dt.date | None
    address: str

    @staticmethod
    def resolve_cell_kind(obj) -> str | None:
        return obj.cell_kind or None


class OrgDetailOut(OrgOut):
    can_read_members: bool = Field(description="Người gọi được xem hồ sơ đảng viên của tổ chức này.")
    can_write: bool = Field(description="Người gọi được sửa dữ liệu của tổ chức này.")


def _search(qs, q: str | None):
    q = (q or "").strip()
    if not q:
        return qs
    return qs.filter(Q(name__icontains=q) | Q(code__icontains=q))


@router.get("", response={200: list[OrgOut], **READ_ERRORS})
@paginate(Pagination)
def org_list(
    request,
    parent: int | None = Query(None, ge=1, le=MAX_ID),
    kind: OrgKind | None = None,
    q: Text | None = None,
):
    """Organisations the caller may see, in tree order; filter by parent id, kind, or name/code (`q`)."""
    orgs = orgs_visible_to(request.user)
    if parent is not None:
        orgs = orgs.filter(parent_id=parent)
    if kind is not None:
        orgs = orgs.filter(kind=kind)
    return _search(orgs, q).order_by("path")


@router.get("/{org_id}", response={200: OrgDetailOut, **READ_ERRORS})
def org_detail(request, org_id: PathId):
    org = get_org_for_user(request.user, org_id)
    org.can_read_members = can_read_members_of(request.user, org)
    org.can_write = can_write_org(request.user, org)
    return org


@router.get("/{org_id}/children", response={200: list[OrgOut], **READ_ERRORS})
@paginate(Pagination)
def org_children(request, org_id: PathId):
    """The units directly under an organisation."""
    org = get_org_for_user(request.user, org_id)
    return orgs_visible_to(request.user).filter(parent=org).order_by("path")


# ---------------------------------------------------------------- rights


class RightOut(Schema):
    user_id: int
    name: str = Field(description="Họ và tên theo thứ tự Việt Nam (họ, đệm, tên).")
    username: str
    role: RoleKind
    organisation_id: int
    organisation_name: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    source: str = Field(
        description="`grant` (được trao), `membership` (sinh hoạt đảng), `position` (chức vụ)."
    )
    source_label: str = Field(
        description="Ví dụ: `chức vụ: Bí thư`, `sinh hoạt đảng (sinh hoạt chính thức)`."
    )
    role_id: int | None = Field(None, description="Dòng trao quyền (để thu hồi); chỉ với `grant`.")
    granted_by: str = ""
    granted_at: dt.datetime | None = None
    reason: str = ""

    @staticmethod
    def resolve_organisation_id(obj) -> int:
        return obj.organisation.pk

    @staticmethod
    def resolve_organisation_name(obj) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_granted_by(obj) -> str:
        return obj.granted_by_name


class GrantedOut(Schema):
    id: int
    user_id: int
    name: str
    role: RoleKind
    organisation_id: int
    valid_from: dt.date | None
    valid_until: dt.date | None
    reason: str

    @staticmethod
    def resolve_name(obj) -> str:
        return person_name(obj.user)


GrantableRole = Literal[tuple(str(r) for r in GRANTABLE_ROLES)]  # type: ignore[valid-type]


class GrantIn(InputSchema):
    account: Text = Field(max_length=150, description="Tên đăng nhập hoặc số thẻ đảng viên của người nhận.")
    role: GrantableRole = Field(description="`supervisor`, `staff` hoặc `admin` (chỉ quản trị trao `admin`).")
    valid_from: Day
    valid_until: Day | None = None
    reason: Text = Field(min_length=1, max_length=255)


class RevokeIn(InputSchema):
    reason: Text = Field("", max_length=255)


@router.get("/{org_id}/rights", response={200: list[RightOut], **READ_ERRORS, 403: ErrorOut})
@paginate(Pagination)
def right_list(request, org_id: PathId, date: Day | None = None, ended: bool = False):
    """Who holds which right in the subtree, and from what: valid on `date` (today by default), or with
    `ended` those that ended by that day. For staff, administrators and supervisors of the organisation
    or above."""
    org = get_org_for_rights(request.user, org_id)
    # A lazy list: the paginator counts it and reads one slice (ordered and sliced by the database).
    return rights_held_in(org, day=date or today(), current=not ended, future=False)


@router.post("/{org_id}/rights", response={201: GrantedOut, **WRITE_ERRORS})
def right_grant(request, org_id: PathId, payload: GrantIn):
    """Grant a staff, supervisor or administrator right on the organisation (its subtree)."""
    org = get_org_for_rights(request.user, org_id, grant=True)
    user = find_account(payload.account)
    if user is None:
        raise ValidationError(
            {"account": "Không tìm thấy tài khoản có tên đăng nhập hoặc số thẻ đảng viên này."}
        )
    with renamed_fields(user="account"):
        role = role_grant(
            user=user,
            organisation=org,
            role=payload.role,
            valid_from=payload.valid_from,
            valid_until=payload.valid_until,
            reason=payload.reason,
            by=request.user,
        )
    return Status(201, role)


@router.post("/{org_id}/rights/{role_id}/revoke", response={200: GrantedOut, **WRITE_ERRORS})
def right_revoke(request, org_id: PathId, role_id: PathId, payload: RevokeIn):
    """End a granted right today (the row stays, with who revoked it and why)."""
    org = get_org_for_rights(request.user, org_id)
    role: Role = get_role_for_user(request.user, role_id, revoke=True, within=org)
    return role_revoke(role=role, reason=payload.reason, by=request.user)
