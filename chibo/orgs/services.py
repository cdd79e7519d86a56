import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from chibo.audit.models import Action
from chibo.audit.services import audit_log, snapshot
from chibo.common.dates import today
from chibo.common.signals import cells_changed
from chibo.orgs.models import SEGMENT, Organisation, OrgKind, OrgParentPeriod, parent_kind_problem

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
    by=None,
) -> Organisation:
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
def org_update(*, org: Organisation, by=None, **fields) -> Organisation:
    """Edit plain attributes; the parent changes only through org_move."""
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
    *, org: Organisation, new_parent: Organisation, on: dt.date, note: str = "", by=None
) -> Organisation:
    """Put a unit (and its whole subtree) under another parent from date `on`, keeping the history."""
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    if new_parent.pk == org.pk or (new_parent.path >= org.path and new_parent.path < org.path_upper):
        raise ValidationError(
            {"parent": "Không thể chuyển một tổ chức vào chính nó hoặc tổ chức cấp dưới của nó."}
        )
    _check_parent(org.kind, new_parent)
    if org.parent_id == new_parent.pk:
        raise ValidationError({"parent": "Tổ chức đã trực thuộc cấp trên này."})
    current = OrgParentPeriod.objects.filter(organisation=org, valid_until__isnull=True).first()
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
