"""The tree's write services check their acting user themselves (`by`): a sibling organisation's user
is refused and nothing changes; `by=None` is refused and leaving `by` out is a TypeError; `SYSTEM`
(trusted code) passes."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.orgs.models import Organisation, OrgKind, OrgParentPeriod
from chibo.orgs.services import org_create, org_move, org_update

pytestmark = pytest.mark.django_db

REFUSED = [
    pytest.param("sibling_leader", id="sibling-leader"),
    pytest.param("outsider", id="sibling-ward-staff"),
    pytest.param(None, id="by-None"),
]


def acting(cast, who):
    return getattr(cast, who) if who else None


@pytest.mark.parametrize("who", REFUSED)
def test_creating_under_a_parent_one_does_not_manage_is_refused(cast, who):
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied) as refused:
        org_create(code="BD-99", name="Chi bộ mới", kind=OrgKind.CELL, parent=cast.ward, by=acting(cast, who))
    assert str(refused.value) == f"Bạn không có quyền thêm tổ chức trực thuộc {cast.ward.name}."
    with pytest.raises(PermissionDenied, match="cấp cao nhất"):
        org_create(code="TOP", name="Tỉnh ủy", kind=OrgKind.CITY, by=acting(cast, who))
    assert not Organisation.objects.filter(code__in=["BD-99", "TOP"]).exists()
    assert AuditEntry.objects.count() == before


def test_leaving_by_out_is_a_type_error(cast):
    with pytest.raises(TypeError):
        org_create(code="BD-99", name="Chi bộ mới", kind=OrgKind.CELL, parent=cast.ward)
    with pytest.raises(TypeError):
        org_update(org=cast.cell, name="Tên khác")
    with pytest.raises(TypeError):
        org_move(org=cast.cell, new_parent=cast.ward2, on=dt.date(2026, 1, 1))


@pytest.mark.parametrize("who", REFUSED)
def test_editing_and_moving_are_refused_outside_ones_tree(cast, who):
    by = acting(cast, who)
    with pytest.raises(PermissionDenied):
        org_update(org=cast.cell, name="Tên khác", by=by)
    with pytest.raises(PermissionDenied):
        org_move(org=cast.cell, new_parent=cast.ward2, on=dt.date(2026, 1, 1), by=by)
    cast.cell.refresh_from_db()
    assert cast.cell.name == "Chi bộ Tổ dân phố số 1" and cast.cell.parent_id == cast.ward.pk


def test_a_unit_goes_only_under_a_parent_the_mover_writes(cast):
    # The ward's staff manages the cell's parent but not ward2: the move is refused, nothing changes.
    with pytest.raises(PermissionDenied) as refused:
        org_move(org=cast.cell, new_parent=cast.ward2, on=dt.date(2026, 1, 1), by=cast.staff)
    assert str(refused.value) == f"Bạn không có quyền chuyển tổ chức vào {cast.ward2.name}."
    # A cell's own leader cannot move their cell, even inside the ward.
    with pytest.raises(PermissionDenied):
        org_move(org=cast.cell, new_parent=cast.ward, on=dt.date(2026, 1, 1), by=cast.leader_user)
    assert OrgParentPeriod.objects.filter(organisation=cast.cell).count() == 1


def test_the_wards_staff_and_system_create_edit_and_move(cast):
    new = org_create(code="BD-99", name="Chi bộ mới", kind=OrgKind.CELL, parent=cast.ward, by=cast.staff)
    assert new.parent == cast.ward
    assert AuditEntry.objects.get(model="orgs.organisation", object_id=str(new.pk)).user == cast.staff
    assert org_update(org=new, name="Chi bộ Tổ 99", by=cast.staff).name == "Chi bộ Tổ 99"
    moved = org_move(org=new, new_parent=cast.ward2, on=dt.date(2026, 1, 1), by=SYSTEM)
    assert moved.parent_id == cast.ward2.pk
    top = org_create(code="TOP", name="Tỉnh ủy", kind=OrgKind.CITY, by=SYSTEM)
    assert top.parent is None
