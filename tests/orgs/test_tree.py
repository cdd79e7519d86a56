import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.orgs.models import Organisation, OrgKind, OrgParentPeriod
from chibo.orgs.services import org_move
from tests.factories import make_org

pytestmark = pytest.mark.django_db


def test_subtree_is_one_query_over_any_depth():
    root = make_org("Thành ủy", kind=OrgKind.CITY)
    a = make_org("Đảng bộ A", kind=OrgKind.DIRECT, parent=root)
    b = make_org("Đảng bộ B", kind=OrgKind.GRASSROOTS, parent=a)
    c = make_org("Đảng bộ bộ phận C", kind=OrgKind.PARTIAL, parent=b)
    deep = make_org("Chi bộ sâu", parent=c)
    other = make_org("Đảng bộ khác", kind=OrgKind.DIRECT, parent=root)
    other_cell = make_org("Chi bộ khác", parent=other)

    with CaptureQueriesContext(connection) as ctx:
        cells = set(Organisation.objects.subtree_of(a).cells())
    assert len(ctx.captured_queries) == 1
    assert cells == {deep}
    assert set(Organisation.objects.subtree_of(root).cells()) == {deep, other_cell}
    assert set(Organisation.objects.subtree_of(a, include_self=False)) == {b, c, deep}
    assert deep.depth == 5 and [o.name for o in deep.ancestors()] == [
        "Thành ủy",
        "Đảng bộ A",
        "Đảng bộ B",
        "Đảng bộ bộ phận C",
        "Chi bộ sâu",
    ]


def test_subtree_does_not_leak_into_a_sibling_with_a_longer_id():
    # Sibling ids 1 and 10 must not be mistaken for one being the other's prefix.
    root = make_org("Thành ủy", kind=OrgKind.CITY)
    siblings = [make_org(f"Đảng bộ {i}", kind=OrgKind.GRASSROOTS, parent=root) for i in range(12)]
    first = siblings[0]
    assert list(Organisation.objects.subtree_of(first)) == [first]


def test_move_rewrites_the_whole_subtree_and_keeps_history():
    root = make_org("Thành ủy", kind=OrgKind.CITY)
    district = make_org("Quận ủy cũ", kind=OrgKind.DIRECT, parent=root)
    ward = make_org("Phường A", kind=OrgKind.GRASSROOTS, parent=district)
    cell = make_org("Chi bộ 1", parent=ward)
    new_ward = make_org("Phường mới", kind=OrgKind.GRASSROOTS, parent=root)

    org_move(org=ward, new_parent=new_ward, on=dt.date(2025, 7, 1), note="Sắp xếp 2025", by=SYSTEM)

    ward.refresh_from_db()
    cell.refresh_from_db()
    assert ward.parent == new_ward and ward.depth == 3
    assert cell.path.startswith(new_ward.path) and cell.depth == 4
    assert set(Organisation.objects.subtree_of(new_ward).cells()) == {cell}
    assert not Organisation.objects.subtree_of(district).cells().exists()
    periods = list(OrgParentPeriod.objects.filter(organisation=ward).order_by("id"))
    assert [(p.parent, p.valid_until) for p in periods] == [(district, dt.date(2025, 7, 1)), (new_ward, None)]
    assert periods[1].valid_from == dt.date(2025, 7, 1) and periods[1].note == "Sắp xếp 2025"
    assert AuditEntry.objects.filter(
        model="orgs.organisation", object_id=str(ward.pk), action="update"
    ).exists()


def test_move_into_own_subtree_or_under_a_cell_is_refused():
    root = make_org("Thành ủy", kind=OrgKind.CITY)
    ward = make_org("Phường A", kind=OrgKind.GRASSROOTS, parent=root)
    partial = make_org("Bộ phận", kind=OrgKind.PARTIAL, parent=ward)
    cell = make_org("Chi bộ 1", parent=ward)
    with pytest.raises(ValidationError):
        org_move(org=ward, new_parent=partial, on=dt.date(2025, 1, 1), by=SYSTEM)
    with pytest.raises(ValidationError, match="Chi bộ không thể có tổ chức trực thuộc"):
        org_move(org=partial, new_parent=cell, on=dt.date(2025, 1, 1), by=SYSTEM)


def test_active_on_respects_founding_and_dissolution():
    root = make_org("Thành ủy", kind=OrgKind.CITY)
    new = make_org("Chi bộ mới", parent=root, founded_on=dt.date(2025, 3, 15))
    gone = make_org(
        "Chi bộ giải thể", parent=root, founded_on=dt.date(2000, 1, 1), dissolved_on=dt.date(2025, 3, 10)
    )
    assert set(Organisation.objects.cells().active_on(dt.date(2025, 3, 31))) == {new}
    assert set(Organisation.objects.cells().active_on(dt.date(2025, 3, 1))) == {gone}


def test_a_unit_never_sits_under_a_lower_kind_but_levels_may_be_skipped():
    from chibo.orgs.services import org_update

    root = make_org("Thành ủy", kind=OrgKind.CITY)
    ward = make_org("Phường", kind=OrgKind.GRASSROOTS, parent=root)  # no directly-subordinate level: allowed
    with pytest.raises(ValidationError, match="không thể trực thuộc đảng bộ cơ sở"):
        make_org("Đảng bộ trực thuộc", kind=OrgKind.DIRECT, parent=ward)
    make_org("Chi bộ", parent=ward)
    with pytest.raises(ValidationError, match="Không thể đổi loại"):
        org_update(org=ward, kind=OrgKind.CELL, by=SYSTEM)
