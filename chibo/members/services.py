"""Writes to members and their dated history. Each runs in one transaction and leaves an audit entry."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from chibo.audit.models import Action
from chibo.audit.services import audit_log, snapshot
from chibo.common.dates import fmt, today
from chibo.common.signals import cells_changed
from chibo.common.text import clean_name, fold, name_error, sort_name
from chibo.members import access
from chibo.members.models import (
    Exemption,
    LeaveReason,
    Member,
    Membership,
    MembershipKind,
    Position,
    TrainingRecord,
)
from chibo.members.rules import (  # noqa: F401  (the constants are re-exported for callers)
    COMMITTEE_MAX,
    COMMITTEE_MIN_OFFICIAL,
    TEMPORARY_MAX_MONTHS,
    TEMPORARY_MIN_MONTHS,
    Term,
    cell_problem,
    end_after_start,
    exemption_problem,
    member_dates_problem,
    membership_start_problem,
    official_overlap_problem,
    position_problem,
    temporary_problem,
)
from chibo.members.selectors import current_membership, official_count_on
from chibo.orgs.models import Organisation


def _raise(problem) -> None:
    # The rules live in members.rules so the bulk import applies the very same ones.
    if problem is not None:
        field, message = problem
        raise ValidationError({field: message})


def _check_member(member: Member) -> None:
    if problem := name_error(member.full_name):
        raise ValidationError({"full_name": problem})
    _raise(
        member_dates_problem(
            birth_date=member.birth_date,
            admitted_on=member.admitted_on,
            official_on=member.official_on,
            today=today(),
        )
    )
    if member.pk:
        # A later admission date must not leave an earlier membership before it.
        first = (
            Membership.objects.filter(member=member)
            .order_by("valid_from")
            .values_list("valid_from", flat=True)
            .first()
        )
        if first is not None:
            _raise(
                membership_start_problem(
                    start=first,
                    admitted_on=member.admitted_on,
                    member_name=member.full_name,
                    field="admitted_on",
                )
            )


def fill_derived_names(member: Member) -> Member:
    member.full_name = clean_name(member.full_name)
    member.sort_name = sort_name(member.full_name)
    member.given_name = member.sort_name.split(" ", 1)[0]
    member.search_name = fold(member.full_name)
    return member


def _org_path_of(member: Member) -> str:
    latest = member.memberships.select_related("cell").order_by("-valid_from").first() if member.pk else None
    return latest.cell.path if latest else ""


def member_changed(member: Member, first_day: dt.date, last_day: dt.date | None = None) -> None:
    """Indicators of every cell the member belonged to between the two days are stale."""
    last_day = last_day or today()
    cells = (
        Membership.objects.filter(member=member)
        .overlapping(first_day, last_day)
        .values_list("cell_id", flat=True)
    )
    cells_changed(set(cells), first_day, last_day)


@transaction.atomic
def member_create(
    *, by, cell: Organisation | None = None, joined_on: dt.date | None = None, **fields
) -> Member:
    """Create a member; with `cell`, also open their official membership there from `joined_on`."""
    access.require_create_member(by, cell)
    if cell is not None:
        fields.setdefault("registered_by", cell)
    member = fill_derived_names(Member(**fields))
    member.full_clean()
    _check_member(member)
    member.save()
    audit_log(user=by, action=Action.CREATE, obj=member, org_path=cell.path if cell else "")
    if cell is not None:
        _membership_open(member=member, cell=cell, valid_from=joined_on or member.admitted_on, by=by)
    return member


@transaction.atomic
def member_update(*, member: Member, by, **fields) -> Member:
    access.member.check_edit(by, member)
    before = snapshot(member)
    for name, value in fields.items():
        setattr(member, name, value)
    fill_derived_names(member)
    member.full_clean()
    _check_member(member)
    member.save()
    audit_log(user=by, action=Action.UPDATE, obj=member, org_path=_org_path_of(member), before=before)
    if before.get("work_status") != member.work_status:
        member_changed(member, today())  # work status is not dated: it moves the current month only
    return member


def _check_cell(cell: Organisation, day: dt.date, field: str = "cell") -> None:
    problem = cell_problem(is_cell=cell.is_cell, cell_name=cell.name, active=cell.is_active_on(day), day=day)
    if problem:
        raise ValidationError({field: problem[1]})


def check_official_overlap(member: Member, start: dt.date, end: dt.date | None, exclude_pk=None) -> None:
    # PostgreSQL also refuses this with an exclusion constraint; SQLite relies on this check.
    clash = Membership.objects.filter(member=member, kind=MembershipKind.OFFICIAL).overlapping(start, end)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    first = clash.select_related("cell").first()
    if first:
        _raise(
            official_overlap_problem(
                member_name=member.full_name, clash_cell_name=first.cell.name, clash_from=first.valid_from
            )
        )


@transaction.atomic
def membership_open(
    *,
    member: Member,
    cell: Organisation,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    kind: str = MembershipKind.OFFICIAL,
    note: str = "",
    by,
) -> Membership:
    access.require_open_membership(by, member, cell)
    return _membership_open(
        member=member, cell=cell, valid_from=valid_from, valid_until=valid_until, kind=kind, note=note, by=by
    )


def _membership_open(
    *,
    member: Member,
    cell: Organisation,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    kind: str = MembershipKind.OFFICIAL,
    note: str = "",
    by,
) -> Membership:
    """The body of membership_open, for services that checked `by` themselves (the audit names `by`)."""
    _check_cell(cell, valid_from)
    _raise(end_after_start(valid_from, valid_until))
    _raise(
        membership_start_problem(
            start=valid_from, admitted_on=member.admitted_on, member_name=member.full_name
        )
    )
    if member.left_on is not None and (valid_until is None or valid_until > member.left_on):
        raise ValidationError(
            {"valid_from": f"Đảng viên {member.full_name} đã ra khỏi Đảng từ ngày {fmt(member.left_on)}."}
        )
    if kind == MembershipKind.OFFICIAL:
        check_official_overlap(member, valid_from, valid_until)
    else:
        _check_temporary(member, cell, valid_from, valid_until)
    membership = Membership(
        member=member, cell=cell, kind=kind, valid_from=valid_from, valid_until=valid_until, note=note
    )
    membership.full_clean()
    membership.save()
    audit_log(user=by, action=Action.CREATE, obj=membership, org_path=cell.path)
    member_changed(member, valid_from, valid_until)
    return membership


def _check_temporary(member: Member, cell: Organisation, start: dt.date, end: dt.date | None) -> None:
    mine = Membership.objects.filter(member=member)
    _raise(
        temporary_problem(
            start=start,
            end=end,
            official_here=end is not None
            and mine.filter(kind=MembershipKind.OFFICIAL, cell=cell).overlapping(start, end).exists(),
            other_temporary=end is not None
            and mine.filter(kind=MembershipKind.TEMPORARY).overlapping(start, end).exists(),
        )
    )


@transaction.atomic
def member_transfer(
    *, member: Member, to_cell: Organisation, on: dt.date, note: str = "", by
) -> Membership:
    """Official transfer: close the current official membership on `on` and open one in `to_cell` from `on`."""
    access.member.check_edit(by, member)
    access.require_write_cell(by, to_cell)
    current = current_membership(member, on)
    if current is None:
        raise ValidationError(
            {
                "member": f"Đảng viên {member.full_name} không sinh hoạt chính thức ở chi bộ nào vào ngày {fmt(on)}."
            }
        )
    if current.cell_id == to_cell.pk:
        raise ValidationError({"cell": "Đảng viên đã sinh hoạt tại chi bộ này."})
    if on <= current.valid_from:
        raise ValidationError({"on": "Ngày chuyển phải sau ngày bắt đầu sinh hoạt ở chi bộ hiện tại."})
    _check_cell(to_cell, on)
    before = snapshot(current)
    later_end = current.valid_until
    current.valid_until = on
    current.save(update_fields=["valid_until"])
    audit_log(user=by, action=Action.UPDATE, obj=current, org_path=current.cell.path, before=before)
    # Positions in the old cell end with the transfer.
    for position in Position.objects.filter(member=member, cell=current.cell).overlapping(on, None):
        _position_end(position=position, on=on, by=by)
    return _membership_open(
        member=member, cell=to_cell, valid_from=on, valid_until=later_end, note=note, by=by
    )


@transaction.atomic
def membership_close(*, membership: Membership, on: dt.date, by) -> Membership:
    access.require_close_membership(by, membership)
    return _membership_close(membership=membership, on=on, by=by)


def _membership_close(*, membership: Membership, on: dt.date, by) -> Membership:
    if on <= membership.valid_from:
        raise ValidationError({"valid_until": "Ngày kết thúc phải sau ngày bắt đầu."})
    before = snapshot(membership)
    membership.valid_until = on
    membership.save(update_fields=["valid_until"])
    audit_log(user=by, action=Action.UPDATE, obj=membership, org_path=membership.cell.path, before=before)
    member_changed(membership.member, on)
    return membership


def check_position(position: Position) -> None:
    """DOMAIN §3 position rules (members.rules.position_problem) against the rows in the database."""
    cell, member, start, end = position.cell, position.member, position.valid_from, position.valid_until
    _raise(end_after_start(start, end, "Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu."))
    home = current_membership(member, start)
    overlapping = (
        Position.objects.filter(cell=cell)
        .overlapping(start, end)
        .exclude(pk=position.pk)
        .select_related("member")
    )
    _raise(
        position_problem(
            kind=position.kind,
            member_key=member.pk,
            member_name=member.full_name,
            cell_name=cell.name,
            start=start,
            end=end,
            is_official=member.is_official_on(start),
            home_is_this_cell=home is not None and home.cell_id == cell.pk,
            others=[Term(p.member_id, p.member.full_name, p.kind, p.valid_from) for p in overlapping],
            officials=official_count_on(cell, start),
        )
    )


@transaction.atomic
def position_assign(
    *,
    member: Member,
    cell: Organisation,
    kind: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    decision_ref: str = "",
    by,
) -> Position:
    access.require_write_cell(by, cell, f"Bạn không có quyền giao chức vụ trong {cell.name}.")
    position = Position(
        member=member,
        cell=cell,
        kind=kind,
        valid_from=valid_from,
        valid_until=valid_until,
        decision_ref=decision_ref,
    )
    check_position(position)
    position.full_clean()
    position.save()
    audit_log(user=by, action=Action.CREATE, obj=position, org_path=cell.path)
    cells_changed([position.cell_id], position.valid_from, position.valid_until or today())
    return position


@transaction.atomic
def position_end(*, position: Position, on: dt.date, by) -> Position:
    access.position.check_edit(by, position)
    return _position_end(position=position, on=on, by=by)


def _position_end(*, position: Position, on: dt.date, by) -> Position:
    if on <= position.valid_from:
        raise ValidationError({"valid_until": "Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu."})
    before = snapshot(position)
    position.valid_until = on
    position.save(update_fields=["valid_until"])
    audit_log(user=by, action=Action.UPDATE, obj=position, org_path=position.cell.path, before=before)
    cells_changed([position.cell_id], on)
    return position


def check_exemption(exemption: Exemption) -> None:
    clash = Exemption.objects.filter(member=exemption.member).overlapping(
        exemption.valid_from, exemption.valid_until
    )
    _raise(
        exemption_problem(
            start=exemption.valid_from,
            end=exemption.valid_until,
            clash=clash.exclude(pk=exemption.pk).exists(),
        )
    )


@transaction.atomic
def exemption_create(
    *,
    member: Member,
    valid_from: dt.date,
    reason: str,
    valid_until: dt.date | None = None,
    decision_ref: str = "",
    by,
) -> Exemption:
    access.member.check_edit(by, member)
    exemption = Exemption(
        member=member,
        valid_from=valid_from,
        valid_until=valid_until,
        reason=reason,
        decision_ref=decision_ref,
    )
    check_exemption(exemption)
    exemption.full_clean()
    exemption.save()
    audit_log(user=by, action=Action.CREATE, obj=exemption, org_path=_org_path_of(member))
    member_changed(exemption.member, exemption.valid_from, exemption.valid_until)
    return exemption


@transaction.atomic
def exemption_end(*, exemption: Exemption, on: dt.date, by) -> Exemption:
    """The member asked to return to party activity from `on`."""
    access.exemption.check_edit(by, exemption)
    return _exemption_end(exemption=exemption, on=on, by=by)


def _exemption_end(*, exemption: Exemption, on: dt.date, by) -> Exemption:
    before = snapshot(exemption)
    exemption.valid_until = on
    check_exemption(exemption)
    exemption.save(update_fields=["valid_until"])
    audit_log(
        user=by, action=Action.UPDATE, obj=exemption, org_path=_org_path_of(exemption.member), before=before
    )
    member_changed(exemption.member, on)
    return exemption


@transaction.atomic
def training_record_create(*, member: Member, by, **fields) -> TrainingRecord:
    access.member.check_edit(by, member)
    record = TrainingRecord(member=member, **fields)
    record.full_clean()
    record.save()
    audit_log(user=by, action=Action.CREATE, obj=record, org_path=_org_path_of(member))
    member_changed(member, record.ended_on or record.started_on)
    return record


@transaction.atomic
def delete_with_audit(*, obj, org_path: str, by) -> None:
    access.check_delete(by, obj)
    before = snapshot(obj)
    audit_log(user=by, action=Action.DELETE, obj=obj, org_path=org_path, before=before)
    member = getattr(obj, "member", None)
    since = (
        getattr(obj, "valid_from", None) or getattr(obj, "ended_on", None) or getattr(obj, "started_on", None)
    )
    cells = set()
    if isinstance(member, Member) and since is not None:  # looked up before the row is gone
        cells = set(
            Membership.objects.filter(member=member)
            .overlapping(since, today())
            .values_list("cell_id", flat=True)
        )
        cells.add(getattr(obj, "cell_id", None))
    obj.delete()
    if cells:
        cells_changed(cells, since, today())


@transaction.atomic
def member_leave(*, member: Member, on: dt.date, reason: str, note: str = "", by) -> Member:
    """The member leaves the party on `on` (removal, expulsion, death, voluntary): their open memberships,
    positions and exemptions end that day through the services above (each audited), so the rights that
    the registry gives them end that day too."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    access.check_leave(by, member)  # before anything about the member is revealed
    if member.left_on is not None:
        raise ValidationError(
            {"member": f"Đảng viên {member.full_name} đã ra khỏi Đảng từ ngày {fmt(member.left_on)}."}
        )
    errors = {}
    if reason not in LeaveReason.values:
        errors["reason"] = "Lý do: hãy chọn xóa tên, khai trừ, từ trần hoặc xin ra khỏi Đảng."
    if on is None:
        errors["on"] = "Hãy nhập ngày ra khỏi Đảng."
    elif on > today():
        errors["on"] = "Ngày ra khỏi Đảng không được sau hôm nay."
    elif on <= member.admitted_on:
        errors["on"] = f"Ngày ra khỏi Đảng phải sau ngày vào Đảng ({fmt(member.admitted_on)})."
    if errors:
        raise ValidationError(errors)
    last = member.memberships.order_by("-valid_from").first()
    if last is not None and on <= last.valid_from:
        raise ValidationError(
            {"on": f"Ngày ra khỏi Đảng phải sau ngày bắt đầu sinh hoạt gần nhất ({fmt(last.valid_from)})."}
        )
    later_position = Position.objects.filter(member=member, valid_from__gte=on).first()
    if later_position is not None:
        raise ValidationError(
            {
                "on": f"Đảng viên có chức vụ bắt đầu từ ngày {fmt(later_position.valid_from)}, sau ngày ra khỏi Đảng."
            }
        )
    before = snapshot(member)
    for membership in Membership.objects.filter(member=member).overlapping(on, None).select_related("cell"):
        _membership_close(membership=membership, on=on, by=by)
    for position in Position.objects.filter(member=member).overlapping(on, None).select_related("cell"):
        _position_end(position=position, on=on, by=by)
    for exemption in Exemption.objects.filter(member=member).overlapping(on, None):
        if exemption.valid_from < on:
            _exemption_end(exemption=exemption, on=on, by=by)
    member.left_on, member.left_reason, member.left_note = on, reason, (note or "").strip()[:255]
    member.save(update_fields=["left_on", "left_reason", "left_note"])
    audit_log(user=by, action=Action.UPDATE, obj=member, org_path=_org_path_of(member), before=before)
    return member
