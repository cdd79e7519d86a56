"""A committee's plan carrying out Đề án 11, with its own targets (DOMAIN §8 "Targets are data").

A target left out (None) means the plan keeps the city's default for that indicator. Every write leaves
one audit entry carrying the plan's fields and its targets, before and after. Services take the stored,
half-open end (`valid_until`: the first day the plan no longer applies); the form converts the last day
people write ("đến hết") with `models.until_after`.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from chibo.audit.models import Action
from chibo.audit.services import audit_log, snapshot
from chibo.common.dated import is_valid_on
from chibo.orgs.models import Organisation
from chibo.reporting import access
from chibo.reporting.access import CELLS_HAVE_NO_PLAN, require_create_plan
from chibo.reporting.indicators import KEYS
from chibo.reporting.models import Plan, PlanTarget

PLAN_FIELDS = ("number", "issued_on", "title", "valid_from", "valid_until")


def plan_in_force(plans, day: dt.date) -> Plan | None:
    """Among one owner's plans (loaded), the one in force on `day`: the latest start wins."""
    valid = [p for p in plans if is_valid_on(p.valid_from, p.valid_until, day)]
    return max(valid, key=lambda p: (p.valid_from, p.pk), default=None)


def _check(*, number: str, issued_on, valid_from, valid_until, targets: dict) -> dict:
    errors = {}
    if not (number or "").strip():
        errors["number"] = "Số kế hoạch: không được để trống."
    # valid_until is the day after the last: a plan applies for at least its first day.
    if valid_until is not None and valid_from is not None and valid_until <= valid_from:
        errors["valid_until"] = "Đến hết: không được trước ngày áp dụng."
    if issued_on is not None and valid_until is not None and valid_until <= issued_on:
        errors.setdefault("valid_until", "Đến hết: không được trước ngày ban hành.")
    for key, value in targets.items():
        if key not in KEYS:
            errors[f"target_{key}"] = f"Chỉ tiêu không tồn tại: {key}."
        elif value is not None and not (Decimal(0) <= value <= Decimal(100)):
            errors[f"target_{key}"] = f"{KEYS[key][2]}: mục tiêu phải từ 0 đến 100%."
    if errors:
        raise ValidationError(errors)
    return {k: v for k, v in targets.items() if v is not None}


def _targets_of(plan: Plan) -> dict[str, str]:
    return {t.key: str(t.target) for t in plan.targets.order_by("key")}


def _log(*, by, action: str, plan: Plan, before: dict | None) -> None:
    entry = audit_log(user=by, action=action, obj=plan, org_path=plan.owner.path, before=before)
    # Targets live in their own rows; the reader of the log sees them with the plan's fields.
    entry.after = {**(entry.after or {}), "targets": _targets_of(plan)}
    entry.save(update_fields=["after"])


def _write_targets(plan: Plan, targets: dict) -> None:
    plan.targets.exclude(key__in=list(targets)).delete()
    existing = {t.key: t for t in plan.targets.all()}
    for key, value in targets.items():
        row = existing.get(key)
        if row is None:
            PlanTarget.objects.create(plan=plan, key=key, target=value)
        elif row.target != value:
            row.target = value
            row.save(update_fields=["target"])


@transaction.atomic
def plan_create(
    *,
    owner: Organisation,
    number: str,
    issued_on: dt.date,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    title: str = "",
    targets: dict[str, Decimal | None] | None = None,
    by,
) -> Plan:
    if owner.is_cell:
        raise ValidationError(CELLS_HAVE_NO_PLAN)
    require_create_plan(by, owner)
    targets = _check(
        number=number,
        issued_on=issued_on,
        valid_from=valid_from,
        valid_until=valid_until,
        targets=targets or {},
    )
    plan = Plan.objects.create(
        owner=owner,
        number=number.strip(),
        issued_on=issued_on,
        title=title.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    _write_targets(plan, targets)
    _log(by=by, action=Action.CREATE, plan=plan, before=None)
    return plan


@transaction.atomic
def plan_update(
    *,
    plan: Plan,
    number: str,
    issued_on: dt.date,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    title: str = "",
    targets: dict[str, Decimal | None] | None = None,
    by,
) -> Plan:
    """Replace the plan's fields and its whole set of targets (a key left None returns to the city's)."""
    access.plan.check_edit(by, plan)
    targets = _check(
        number=number,
        issued_on=issued_on,
        valid_from=valid_from,
        valid_until=valid_until,
        targets=targets or {},
    )
    before = {**snapshot(plan), "targets": _targets_of(plan)}
    plan.number, plan.issued_on, plan.title = number.strip(), issued_on, title.strip()
    plan.valid_from, plan.valid_until = valid_from, valid_until
    plan.save(update_fields=list(PLAN_FIELDS))
    _write_targets(plan, targets)
    _log(by=by, action=Action.UPDATE, plan=plan, before=before)
    return plan
