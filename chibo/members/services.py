"""Writes to members and their dated history. Each runs in one transaction and leaves an audit entry."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from chibo.audit.models import Action
from chibo.audit.services import audit_log, snapshot
from chibo.common.dates import add_months, fmt
from chibo.common.text import clean_name, fold, sort_name
from chibo.members.models import (
    Exemption,
    Member,
    Membership,
    MembershipKind,
    Position,
    PositionKind,
    TrainingRecord,
)
from chibo.members.selectors import current_membership, official_count_on
from chibo.orgs.models import Organisation

COMMITTEE_MAX = 7
COMMITTEE_MIN_OFFICIAL = 9
TEMPORARY_MIN_MONTHS = 3
TEMPORARY_MAX_MONTHS = 24  # 12 in general, up to 24 for study (DOMAIN §3)


def fill_derived_names(member: Member) -> Member:
    member.full_name = clean_name(member.full_name)
    member.sort_name = sort_name(member.full_name)
    member.search_name = fold(member.full_name)
    return member


def _org_path_of(member: Member) -> str:
    latest = member.memberships.select_related("cell").order_by("-valid_from").first() if member.pk else None
    return latest.cell.path if latest else ""


@transaction.atomic
def member_create(
    *, by=None, cell: Organisation | None = None, joined_on: dt.date | None = None, **fields
) -> Member:
    """Create a member; with `cell`, also open their official membership there from `joined_on`."""
    member = fill_derived_names(Member(**fields))
    member.full_clean()
    member.save()
    audit_log(user=by, action=Action.CREATE, obj=member, org_path=cell.path if cell else "")
    if cell is not None:
        membership_open(member=member, cell=cell, valid_from=joined_on or member.admitted_on, by=by)
    return member


@transaction.atomic
def member_update(*, member: Member, by=None, **fields) -> Member:
    before = snapshot(member)
    for name, value in fields.items():
        setattr(member, name, value)
    fill_derived_names(member)
    member.full_clean()
    member.save()
    audit_log(user=by, action=Action.UPDATE, obj=member, org_path=_org_path_of(member), before=before)
    return member


def _check_cell(cell: Organisation, day: dt.date, field: str = "cell") -> None:
    if not cell.is_cell:
        raise ValidationError({field: f"{cell.name} không phải là chi bộ."})
    if not cell.is_active_on(day):
        raise ValidationError({field: f"{cell.name} không hoạt động vào ngày {fmt(day)}."})


def check_official_overlap(member: Member, start: dt.date, end: dt.date | None, exclude_pk=None) -> None:
    # PostgreSQL also refuses this with an exclusion constraint; SQLite relies on this check.
    clash = Membership.objects.filter(member=member, kind=MembershipKind.OFFICIAL).overlapping(start, end)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    first = clash.select_related("cell").first()
    if first:
        raise ValidationError(
            {
                "valid_from": f"Đảng viên {member.full_name} đã sinh hoạt chính thức tại {first.cell.name} "
                f"từ {fmt(first.valid_from)}; mỗi lúc chỉ sinh hoạt chính thức ở một chi bộ."
            }
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
    by=None,
) -> Membership:
    _check_cell(cell, valid_from)
    if valid_until is not None and valid_until <= valid_from:
        raise ValidationError({"valid_until": "Ngày kết thúc phải sau ngày bắt đầu."})
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
    return membership


def _check_temporary(member: Member, cell: Organisation, start: dt.date, end: dt.date | None) -> None:
    if end is None:
        raise ValidationError(
            {
                "valid_until": "Sinh hoạt tạm thời phải có ngày kết thúc (3 đến 12 tháng, đi học tối đa 24 tháng)."
            }
        )
    if end < add_months(start, TEMPORARY_MIN_MONTHS) or end > add_months(start, TEMPORARY_MAX_MONTHS):
        raise ValidationError(
            {"valid_until": "Thời hạn sinh hoạt tạm thời từ 3 đến 12 tháng (đi học tối đa 24 tháng)."}
        )
    home = Membership.objects.filter(member=member, kind=MembershipKind.OFFICIAL, cell=cell).overlapping(
        start, end
    )
    if home.exists():
        raise ValidationError({"cell": "Không thể sinh hoạt tạm thời tại chính chi bộ sinh hoạt chính thức."})
    if (
        Membership.objects.filter(member=member, kind=MembershipKind.TEMPORARY)
        .overlapping(start, end)
        .exists()
    ):
        raise ValidationError({"valid_from": "Đảng viên đang có một đợt sinh hoạt tạm thời trùng thời gian."})


@transaction.atomic
def member_transfer(
    *, member: Member, to_cell: Organisation, on: dt.date, note: str = "", by=None
) -> Membership:
    """Official transfer: close the current official membership on `on` and open one in `to_cell` from `on`."""
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
        position_end(position=position, on=on, by=by)
    return membership_open(
        member=member, cell=to_cell, valid_from=on, valid_until=later_end, note=note, by=by
    )


@transaction.atomic
def membership_close(*, membership: Membership, on: dt.date, by=None) -> Membership:
    if on <= membership.valid_from:
        raise ValidationError({"valid_until": "Ngày kết thúc phải sau ngày bắt đầu."})
    before = snapshot(membership)
    membership.valid_until = on
    membership.save(update_fields=["valid_until"])
    audit_log(user=by, action=Action.UPDATE, obj=membership, org_path=membership.cell.path, before=before)
    return membership


def check_position(position: Position) -> None:
    """DOMAIN §3: one secretary and at most one deputy at a time; a committee (chi ủy) of at most 7,
    only in cells with 9 or more official members; holders are official members of the cell."""
    cell, member, start, end = position.cell, position.member, position.valid_from, position.valid_until
    label = position.get_kind_display()
    if end is not None and end <= start:
        raise ValidationError({"valid_until": "Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu."})
    if not member.is_official_on(start):
        raise ValidationError(
            {"member": f"{member.full_name} chưa là đảng viên chính thức vào ngày {fmt(start)}."}
        )
    home = current_membership(member, start)
    if home is None or home.cell_id != cell.pk:
        raise ValidationError(
            {
                "member": f"{member.full_name} không sinh hoạt chính thức tại {cell.name} vào ngày {fmt(start)}."
            }
        )
    overlapping = Position.objects.filter(cell=cell).overlapping(start, end).exclude(pk=position.pk)
    if overlapping.filter(member=member).exists():
        raise ValidationError(
            {"member": f"{member.full_name} đang giữ một chức vụ khác trong chi bộ cùng thời gian."}
        )
    if position.kind in (PositionKind.SECRETARY, PositionKind.DEPUTY):
        other = overlapping.filter(kind=position.kind).select_related("member").first()
        if other:
            raise ValidationError(
                {
                    "kind": f"Chi bộ đã có {label.lower()} {other.member.full_name} từ {fmt(other.valid_from)}; "
                    f"mỗi lúc chỉ có một {label.lower()}."
                }
            )
    officials = official_count_on(cell, start)
    if position.kind == PositionKind.COMMITTEE and officials < COMMITTEE_MIN_OFFICIAL:
        raise ValidationError(
            {
                "kind": f"Chi bộ có {officials} đảng viên chính thức; chỉ chi bộ từ 9 đảng viên chính thức trở lên mới bầu chi ủy."
            }
        )
    holders = set(overlapping.values_list("member_id", flat=True)) | {member.pk}
    if len(holders) > COMMITTEE_MAX:
        raise ValidationError({"kind": "Chi ủy có tối đa 7 người."})


@transaction.atomic
def position_assign(
    *,
    member: Member,
    cell: Organisation,
    kind: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    decision_ref: str = "",
    by=None,
) -> Position:
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
    return position


@transaction.atomic
def position_end(*, position: Position, on: dt.date, by=None) -> Position:
    if on <= position.valid_from:
        raise ValidationError({"valid_until": "Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu."})
    before = snapshot(position)
    position.valid_until = on
    position.save(update_fields=["valid_until"])
    audit_log(user=by, action=Action.UPDATE, obj=position, org_path=position.cell.path, before=before)
    return position


def check_exemption(exemption: Exemption) -> None:
    if exemption.valid_until is not None and exemption.valid_until <= exemption.valid_from:
        raise ValidationError({"valid_until": "Ngày kết thúc miễn sinh hoạt phải sau ngày bắt đầu."})
    clash = Exemption.objects.filter(member=exemption.member).overlapping(
        exemption.valid_from, exemption.valid_until
    )
    if clash.exclude(pk=exemption.pk).exists():
        raise ValidationError({"valid_from": "Đảng viên đã được miễn sinh hoạt trong khoảng thời gian này."})


@transaction.atomic
def exemption_create(
    *,
    member: Member,
    valid_from: dt.date,
    reason: str,
    valid_until: dt.date | None = None,
    decision_ref: str = "",
    by=None,
) -> Exemption:
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
    return exemption


@transaction.atomic
def exemption_end(*, exemption: Exemption, on: dt.date, by=None) -> Exemption:
    """The member asked to return to party activity from `on`."""
    before = snapshot(exemption)
    exemption.valid_until = on
    check_exemption(exemption)
    exemption.save(update_fields=["valid_until"])
    audit_log(
        user=by, action=Action.UPDATE, obj=exemption, org_path=_org_path_of(exemption.member), before=before
    )
    return exemption


@transaction.atomic
def training_record_create(*, member: Member, by=None, **fields) -> TrainingRecord:
    record = TrainingRecord(member=member, **fields)
    record.full_clean()
    record.save()
    audit_log(user=by, action=Action.CREATE, obj=record, org_path=_org_path_of(member))
    return record


@transaction.atomic
def delete_with_audit(*, obj, org_path: str, by=None) -> None:
    before = snapshot(obj)
    audit_log(user=by, action=Action.DELETE, obj=obj, org_path=org_path, before=before)
    obj.delete()
