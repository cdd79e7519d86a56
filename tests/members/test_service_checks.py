"""The members' write services check their acting user themselves (`by`), whoever calls them: a
sibling organisation's user calling a service directly is refused and nothing is written; `by=None`
is refused too, and leaving `by` out is a TypeError; `SYSTEM` (trusted code) passes."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chibo.audit.models import Action, AuditEntry
from chibo.common.access import SYSTEM
from chibo.members.models import (
    Exemption,
    LeaveReason,
    Member,
    Membership,
    MembershipKind,
    Position,
    PositionKind,
    TrainingRecord,
)
from chibo.members.services import (
    delete_with_audit,
    exemption_create,
    exemption_end,
    member_create,
    member_leave,
    member_transfer,
    member_update,
    membership_close,
    membership_open,
    position_assign,
    position_end,
    training_record_create,
)
from tests.factories import make_member

pytestmark = pytest.mark.django_db

D = dt.date
REFUSED = [
    pytest.param("sibling_leader", id="sibling-leader"),
    pytest.param("outsider", id="sibling-ward-staff"),
    pytest.param(None, id="by-None"),
]


def acting(cast, who):
    return getattr(cast, who) if who else None


def person(**kw):
    return {
        "full_name": "Đỗ Văn Mới",
        "gender": "male",
        "card_number": "77770001",
        "citizen_id": "001077770001",
        "admitted_on": D(2015, 3, 2),
        "official_on": D(2016, 3, 2),
        **kw,
    }


def audit_count() -> int:
    return AuditEntry.objects.count()


@pytest.mark.parametrize("who", REFUSED)
def test_creating_a_member_in_a_cell_is_refused_outside_ones_cells(cast, who):
    before = audit_count()
    with pytest.raises(PermissionDenied) as refused:
        member_create(cell=cast.cell, by=acting(cast, who), **person())
    assert str(refused.value) == f"Bạn không có quyền thêm đảng viên vào {cast.cell.name}."
    with pytest.raises(PermissionDenied):
        member_create(by=acting(cast, who), **person())  # without a cell: administrators only
    assert not Member.objects.filter(full_name="Đỗ Văn Mới").exists()
    assert audit_count() == before


def test_leaving_by_out_is_a_type_error_not_a_silent_skip(cast):
    with pytest.raises(TypeError):
        member_create(cell=cast.cell, **person())
    with pytest.raises(TypeError):
        member_update(member=cast.member, note="x")
    assert not Member.objects.filter(full_name="Đỗ Văn Mới").exists()


def test_the_cells_leader_creates_a_member_and_the_derived_membership_names_them(cast):
    member = member_create(cell=cast.cell, joined_on=D(2024, 1, 1), by=cast.leader_user, **person())
    membership = Membership.objects.get(member=member)
    entry = AuditEntry.objects.get(model="members.membership", object_id=str(membership.pk))
    assert entry.user == cast.leader_user and entry.action == Action.CREATE
    # SYSTEM acts for nobody: the entry has no account.
    other = member_create(cell=cast.cell2, by=SYSTEM, **person(card_number="77770002", citizen_id="001077770002"))
    assert AuditEntry.objects.get(model="members.member", object_id=str(other.pk)).user is None


@pytest.mark.parametrize("who", REFUSED)
def test_changing_a_member_is_refused_outside_ones_cells(cast, who):
    by, member = acting(cast, who), cast.member
    before = audit_count()
    calls = [
        lambda: member_update(member=member, phone="0900000000", by=by),
        lambda: exemption_create(member=member, valid_from=D(2026, 1, 1), reason="Ốm dài ngày", by=by),
        lambda: training_record_create(
            member=member, course_title="Lớp cảm tình", started_on=D(2024, 1, 1), by=by
        ),
        lambda: member_transfer(member=member, to_cell=cast.other_cell, on=D(2026, 2, 1), by=by),
        lambda: membership_open(
            member=member,
            cell=cast.other_cell,
            kind=MembershipKind.TEMPORARY,
            valid_from=D(2026, 1, 1),
            valid_until=D(2026, 6, 1),
            by=by,
        ),
        lambda: position_assign(
            member=member, cell=cast.cell, kind=PositionKind.COMMITTEE, valid_from=D(2026, 1, 1), by=by
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    member.refresh_from_db()
    assert member.phone == ""
    assert not Exemption.objects.exists() and not TrainingRecord.objects.exists()
    assert not Position.objects.exists()
    assert list(Membership.objects.filter(member=member).values_list("cell_id", flat=True)) == [cast.cell.pk]
    assert audit_count() == before


def test_a_cells_writer_cannot_take_a_sibling_cells_member(cast):
    # The ward's staff writes cell and cell2 but not other_cell: neither a transfer there nor a
    # temporary membership of the sibling's member in their own cell.
    with pytest.raises(PermissionDenied):
        member_transfer(member=cast.member, to_cell=cast.other_cell, on=D(2026, 2, 1), by=cast.staff)
    stranger = make_member(cast.other_cell)
    with pytest.raises(PermissionDenied):
        membership_open(
            member=stranger,
            cell=cast.cell,
            kind=MembershipKind.TEMPORARY,
            valid_from=D(2026, 1, 1),
            valid_until=D(2026, 6, 1),
            by=cast.staff,
        )
    assert not Membership.objects.filter(member=stranger, cell=cast.cell).exists()


@pytest.mark.parametrize("who", REFUSED)
def test_ending_and_deleting_records_are_refused_outside_ones_cells(cast, who):
    by = acting(cast, who)
    position = position_assign(
        member=cast.secretary, cell=cast.cell, kind=PositionKind.SECRETARY, valid_from=D(2025, 1, 1), by=SYSTEM
    )
    exemption = exemption_create(member=cast.member, valid_from=D(2025, 1, 1), reason="Tuổi cao", by=SYSTEM)
    record = training_record_create(
        member=cast.member, course_title="Lớp bồi dưỡng", started_on=D(2024, 1, 1), by=SYSTEM
    )
    membership = Membership.objects.get(member=cast.member)
    before = audit_count()
    calls = [
        lambda: position_end(position=position, on=D(2026, 1, 1), by=by),
        lambda: exemption_end(exemption=exemption, on=D(2026, 1, 1), by=by),
        lambda: membership_close(membership=membership, on=D(2026, 1, 1), by=by),
        lambda: delete_with_audit(obj=record, org_path=cast.cell.path, by=by),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    for row in (position, exemption, membership):
        row.refresh_from_db()
        assert row.valid_until is None
    assert TrainingRecord.objects.filter(pk=record.pk).exists()
    assert audit_count() == before


def test_the_cells_leader_and_system_end_and_delete_records(cast):
    position = position_assign(
        member=cast.secretary,
        cell=cast.cell,
        kind=PositionKind.SECRETARY,
        valid_from=D(2025, 1, 1),
        by=cast.leader_user,
    )
    assert position_end(position=position, on=D(2026, 1, 1), by=cast.leader_user).valid_until == D(2026, 1, 1)
    exemption = exemption_create(
        member=cast.member, valid_from=D(2025, 1, 1), reason="Tuổi cao", by=cast.leader_user
    )
    assert exemption_end(exemption=exemption, on=D(2026, 1, 1), by=SYSTEM).valid_until == D(2026, 1, 1)
    record = training_record_create(
        member=cast.member, course_title="Lớp bồi dưỡng", started_on=D(2024, 1, 1), by=cast.leader_user
    )
    delete_with_audit(obj=record, org_path=cast.cell.path, by=cast.leader_user)
    assert not TrainingRecord.objects.exists()
    entry = AuditEntry.objects.get(model="members.trainingrecord", action=Action.DELETE)
    assert entry.user == cast.leader_user
    with pytest.raises(PermissionDenied):
        delete_with_audit(obj=cast.member, org_path=cast.cell.path, by=cast.leader_user)  # not a record
    assert Member.objects.filter(pk=cast.member.pk).exists()


def test_a_transfer_checks_both_cells_and_names_the_user_in_every_entry(cast):
    membership = member_transfer(member=cast.member, to_cell=cast.cell2, on=D(2026, 2, 1), by=cast.staff)
    assert membership.cell == cast.cell2
    entries = AuditEntry.objects.filter(model="members.membership", user=cast.staff)
    assert {e.action for e in entries} == {Action.UPDATE, Action.CREATE}


@pytest.mark.parametrize("who", REFUSED)
def test_leaving_is_refused_outside_ones_cells_even_after_the_member_left(cast, who):
    by = acting(cast, who)
    with pytest.raises(PermissionDenied):
        member_leave(member=cast.member, on=D(2026, 1, 1), reason=LeaveReason.VOLUNTARY, by=by)
    cast.member.refresh_from_db()
    assert cast.member.left_on is None
    member_leave(member=cast.member, on=D(2026, 1, 1), reason=LeaveReason.VOLUNTARY, by=cast.staff)
    # Already left: the refused user is not told so (permission first), the cell's writers are.
    with pytest.raises(PermissionDenied):
        member_leave(member=cast.member, on=D(2026, 1, 1), reason=LeaveReason.VOLUNTARY, by=by)
    with pytest.raises(ValidationError, match="đã ra khỏi Đảng"):
        member_leave(member=cast.member, on=D(2026, 1, 1), reason=LeaveReason.VOLUNTARY, by=cast.staff)


def test_leaving_closes_the_rows_in_the_users_name(cast):
    member_leave(member=cast.member, on=D(2026, 1, 1), reason=LeaveReason.DEATH, by=cast.leader_user)
    membership = Membership.objects.get(member=cast.member)
    assert membership.valid_until == D(2026, 1, 1)
    entry = AuditEntry.objects.get(model="members.membership", object_id=str(membership.pk), action=Action.UPDATE)
    assert entry.user == cast.leader_user
