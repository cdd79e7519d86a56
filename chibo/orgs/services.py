import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from chibo.audit.models import Action
from chibo.audit.services import audit_log, snapshot
from chibo.common.dated import current_q
from chibo.common.dates import fmt, today
from chibo.common.signals import cells_changed
from chibo.orgs import access
from chibo.orgs.models import (
    GRANTABLE_ROLES,
    SEGMENT,
    Organisation,
    OrgKind,
    OrgParentPeriod,
    Role,
    parent_kind_problem,
)

# "Since always" for cells_changed: the listener clips it to the months whose facts exist.
EVER = dt.date(1930, 2, 3)


def segment(pk: int) -> str:
    return str(pk).zfill(SEGMENT)


def placeholder_path(code: str) -> str:
    # Unique and outside every real subtree (real paths are digits) until the id is known.
    return f"~{code}"


def _check_parent(kind: str, parent: Organisation | None) -> None:
    problem = parent_kind_problem(kind, parent.kind if parent else None)
    if problem:
        raise ValidationError({"parent": problem})


@transaction.atomic
def org_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Organisation | None = None,
    cell_kind: str = "",
    founded_on: dt.date | None = None,
    dissolved_on: dt.date | None = None,
    address: str = "",
    by,
) -> Organisation:
    access.require_create_org(by, parent)
    _check_parent(kind, parent)
    org = Organisation(
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        cell_kind=cell_kind if kind == OrgKind.CELL else "",
        parent=parent,
        founded_on=founded_on,
        dissolved_on=dissolved_on,
        address=address,
        path=placeholder_path(code),
        depth=(parent.depth + 1) if parent else 1,
    )
    org.full_clean(exclude=["path"])
    org.save()
    org.path = (parent.path if parent else "") + segment(org.pk)
    org.save(update_fields=["path"])
    OrgParentPeriod.objects.create(organisation=org, parent=parent, valid_from=founded_on)
    audit_log(user=by, action=Action.CREATE, obj=org, org_path=org.path)
    if org.kind == OrgKind.CELL:  # a new cell joins the "cells" denominators from its founding
        cells_changed([org.pk], founded_on or EVER, today())
    return org


@transaction.atomic
def org_update(*, org: Organisation, by, **fields) -> Organisation:
    """Edit plain attributes; the parent changes only through org_move."""
    access.organisations.check_edit(by, org)
    before = snapshot(org)
    for name, value in fields.items():
        if name in {"parent", "parent_id", "path", "depth"}:
            raise ValueError("Dùng org_move để chuyển tổ chức sang cấp trên khác.")
        setattr(org, name, value)
    if org.kind != OrgKind.CELL:
        org.cell_kind = ""
    if "kind" in fields:
        _check_parent(org.kind, org.parent)
        for child_kind in set(Organisation.objects.filter(parent=org).values_list("kind", flat=True)):
            problem = parent_kind_problem(child_kind, org.kind)
            if problem:
                raise ValidationError({"kind": f"Không thể đổi loại: {problem[0].lower()}{problem[1:]}"})
    org.full_clean(exclude=["path"])
    org.save()
    audit_log(user=by, action=Action.UPDATE, obj=org, org_path=org.path, before=before)
    if (before["founded_on"], before["dissolved_on"]) != (_iso(org.founded_on), _iso(org.dissolved_on)):
        cells = Organisation.objects.subtree_of(org).cells().values_list("pk", flat=True)
        cells_changed(set(cells), EVER, today())
    return org


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


@transaction.atomic
def org_move(
    *, org: Organisation, new_parent: Organisation, on: dt.date, note: str = "", by
) -> Organisation:
    """Put a unit (and its whole subtree) under another parent from date `on`, keeping the history."""
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    access.require_move(by, org)
    access.require_move_to(by, new_parent)
    if new_parent.pk == org.pk or org.contains(new_parent):
        raise ValidationError(
            {"parent": "Không thể chuyển một tổ chức vào chính nó hoặc tổ chức cấp dưới của nó."}
        )
    _check_parent(org.kind, new_parent)
    if org.parent_id == new_parent.pk:
        raise ValidationError({"parent": "Tổ chức đã trực thuộc cấp trên này."})
    current = OrgParentPeriod.objects.filter(current_q(), organisation=org).first()
    if current and current.valid_from and on <= current.valid_from:
        raise ValidationError({"on": "Ngày chuyển phải sau ngày bắt đầu trực thuộc hiện tại."})
    before = snapshot(org)
    old_path, new_path = org.path, new_parent.path + segment(org.pk)
    depth_delta = new_parent.depth + 1 - org.depth
    # One UPDATE rewrites the prefix of every descendant: no walk of the tree in Python.
    Organisation.objects.subtree_of(org).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_delta,
    )
    Organisation.objects.filter(pk=org.pk).update(parent=new_parent)
    if current:
        current.valid_until = on
        current.save(update_fields=["valid_until"])
    OrgParentPeriod.objects.create(organisation=org, parent=new_parent, valid_from=on, note=note)
    org.refresh_from_db()
    audit_log(user=by, action=Action.UPDATE, obj=org, org_path=org.path, before=before)
    # The facts keep each cell's path: every built month is re-summed under the new ancestors.
    cells_changed(
        set(Organisation.objects.subtree_of(org).cells().values_list("pk", flat=True)), EVER, today()
    )
    return org


# --- rights: grants and revocations ---------------------------------------------------------------------


def _check_grant_scope(*, by, organisation: Organisation, role: str) -> None:
    access.check_grant(by, organisation, role)


def _grant_overlap(*, user, organisation: Organisation, role: str, start, end, exclude_pk=None):
    qs = Role.objects.filter(user=user, organisation=organisation, role=role)
    qs = qs.overlapping(start or dt.date.min, end)
    return qs.exclude(pk=exclude_pk).first() if exclude_pk else qs.first()


@transaction.atomic
def role_grant(
    *,
    user,
    organisation: Organisation,
    role: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    reason: str,
    by,
) -> Role:
    """Grant a staff, supervisor or administrator right on `organisation` (its subtree) for a period.

    The member and cell-leader rights are not granted: they follow memberships and positions."""
    if role not in GRANTABLE_ROLES:
        raise ValidationError(
            {"role": "Chỉ trao được quyền cán bộ cấp ủy, cấp ủy viên phụ trách hoặc quản trị."}
        )
    _check_grant_scope(by=by, organisation=organisation, role=role)
    errors = {}
    if user is None or not getattr(user, "is_active", False):
        errors["user"] = "Hãy chọn một tài khoản đang hoạt động."
    if valid_from is None:
        errors["valid_from"] = "Hãy nhập ngày bắt đầu."
    elif valid_until is not None and valid_until <= valid_from:
        errors["valid_until"] = "Ngày kết thúc phải sau ngày bắt đầu."
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Hãy ghi lý do trao quyền (ví dụ số quyết định)."
    if errors:
        raise ValidationError(errors)
    clash = _grant_overlap(user=user, organisation=organisation, role=role, start=valid_from, end=valid_until)
    if clash is not None:
        since = fmt(clash.valid_from) or "trước đây"
        raise ValidationError(
            {
                "valid_from": f"Tài khoản đã có quyền này trên {organisation.name} từ {since} trong khoảng thời gian đó."
            }
        )
    grant = Role(
        user=user,
        organisation=organisation,
        role=role,
        valid_from=valid_from,
        valid_until=valid_until,
        reason=reason[:255],
        granted_by=by if getattr(by, "pk", None) else None,
        granted_at=timezone.now(),
    )
    grant.save()
    audit_log(user=by, action=Action.GRANT, obj=grant, org_path=organisation.path)
    return grant


@transaction.atomic
def role_revoke(*, role: Role, on: dt.date | None = None, reason: str = "", by) -> Role:
    """End a right on `on` (today by default): it stops counting that day. Nothing is deleted."""
    _check_grant_scope(by=by, organisation=role.organisation, role=role.role)
    on = on or today()
    if on < today():
        raise ValidationError({"on": "Ngày thu hồi không được trước hôm nay."})
    if role.valid_until is not None and role.valid_until <= on:
        raise ValidationError({"on": f"Quyền này đã hết hiệu lực từ {fmt(role.valid_until)}."})
    before = snapshot(role)
    # A grant that has not started yet is cancelled: it ends the day it would have started.
    role.valid_until = max(on, role.valid_from) if role.valid_from else on
    role.revoked_by = by if getattr(by, "pk", None) else None
    role.revoked_at = timezone.now()
    role.revoke_reason = (reason or "").strip()[:255]
    role.save(update_fields=["valid_until", "revoked_by", "revoked_at", "revoke_reason"])
    audit_log(user=by, action=Action.REVOKE, obj=role, org_path=role.organisation.path, before=before)
    return role
