import datetime as dt
import os
from dataclasses import dataclass

import pytest

from chibo.orgs.models import OrgKind, RoleKind
from tests.factories import make_member, make_org, make_user

# Playwright's sync API runs an event loop in the test thread; the ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclass
class Cast:
    city: object
    ward: object
    ward2: object
    cell: object
    cell2: object
    other_cell: object
    secretary: object
    member: object
    supervisor: object
    staff: object
    outsider: object
    sibling_leader: object
    leader_user: object
    member_user: object


@pytest.fixture
def cast(db):
    """The shared cast.

    city ─┬─ ward ─┬─ cell   (leader_user leads it; member_user is an ordinary member)
          │        └─ cell2
          └─ ward2 ── other_cell  (sibling_leader leads it; outsider is staff of ward2)
    """
    city = make_org("Đảng bộ Thành phố", kind=OrgKind.CITY, code="HN")
    ward = make_org("Đảng bộ phường Ba Đình", kind=OrgKind.GRASSROOTS, parent=city, code="BD")
    ward2 = make_org("Đảng bộ phường Hoàn Kiếm", kind=OrgKind.GRASSROOTS, parent=city, code="HK")
    cell = make_org("Chi bộ Tổ dân phố số 1", parent=ward, code="BD-01", cell_kind="residential")
    cell2 = make_org("Chi bộ Tổ dân phố số 2", parent=ward, code="BD-02", cell_kind="residential")
    other_cell = make_org("Chi bộ Tổ dân phố số 9", parent=ward2, code="HK-09", cell_kind="residential")
    secretary = make_member(cell, full_name="Trần Thị Bình")
    member = make_member(cell, full_name="Lê Văn An", joined_on=dt.date(2021, 5, 1))
    leader_user = make_user("bithu", role=RoleKind.CELL_LEADER, org=cell, member=secretary)  # manages cell
    member_user = make_user("dangvien", role=RoleKind.MEMBER, org=cell, member=member)  # own data only
    staff = make_user("canbo", role=RoleKind.STAFF, org=ward)  # manages the ward's subtree
    supervisor = make_user("phutrach", role=RoleKind.SUPERVISOR, org=ward)  # reads the ward's subtree
    outsider = make_user("canbo_hk", role=RoleKind.STAFF, org=ward2)  # sibling ward: sees nothing of ours
    sibling_leader = make_user("bithu_hk", role=RoleKind.CELL_LEADER, org=other_cell)  # sibling cell
    return Cast(
        city,
        ward,
        ward2,
        cell,
        cell2,
        other_cell,
        secretary,
        member,
        supervisor,
        staff,
        outsider,
        sibling_leader,
        leader_user,
        member_user,
    )
