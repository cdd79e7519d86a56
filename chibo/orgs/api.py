"""/api/v1/orgs: the organisation tree, scoped like the web (orgs.access)."""

import datetime as dt

from django.db.models import Q
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from chibo.api.schemas import MAX_ID, READ_ERRORS, Pagination, PathId, Text
from chibo.orgs.access import can_read_members_of, can_write_org, get_org_for_user, orgs_visible_to
from chibo.orgs.models import CellKind, OrgKind

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
