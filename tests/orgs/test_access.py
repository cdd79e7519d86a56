"""The access path reads a user's roles once per request and answers every question from them."""

import datetime as dt

import pytest

from chibo.orgs import access
from chibo.orgs.models import WRITE_ROLES, OrgKind, Role, RoleKind
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    city = make_org("Thành ủy Thử", kind=OrgKind.CITY, code="TP")
    ward = make_org("Đảng ủy phường A", kind=OrgKind.GRASSROOTS, parent=city, code="A")
    sibling = make_org("Đảng ủy phường B", kind=OrgKind.GRASSROOTS, parent=city, code="B")
    cell = make_org("Chi bộ A1", parent=ward, code="A1")
    return city, ward, sibling, cell


def test_every_access_question_costs_one_query_in_all(tree, django_assert_num_queries):
    _city, ward, sibling, cell = tree
    user = make_user("canbo", role=RoleKind.STAFF, org=ward)
    user = type(user).objects.get(pk=user.pk)  # nothing cached yet
    with django_assert_num_queries(1):
        assert access.can_see_org(user, cell)
        assert not access.can_see_org(user, sibling)
        assert access.can_read_members_of(user, cell)
        assert access.can_write_org(user, ward)
        assert access.is_staff_of(user, cell)
        assert access.holds_role(user, WRITE_ROLES, above_cells=True)


def test_holds_role_by_kind_and_level(tree):
    _city, ward, _sibling, cell = tree
    leader = make_user("bithu", role=RoleKind.CELL_LEADER, org=cell)
    assert access.holds_role(leader)
    assert access.holds_role(leader, WRITE_ROLES)
    assert not access.holds_role(leader, WRITE_ROLES, above_cells=True)  # a cell has no units below
    assert not access.holds_role(leader, (RoleKind.SUPERVISOR,))
    supervisor = make_user("giamsat", role=RoleKind.SUPERVISOR, org=ward)
    assert access.holds_role(supervisor, (RoleKind.SUPERVISOR,), above_cells=True)
    assert not access.holds_role(supervisor, WRITE_ROLES)
    nobody = make_user("khach")
    assert not access.holds_role(nobody)


def test_expired_and_future_roles_do_not_count(tree):
    _city, ward, _sibling, cell = tree
    user = make_user("cu")
    Role.objects.create(user=user, organisation=ward, role=RoleKind.STAFF, valid_until=dt.date(2000, 1, 1))
    Role.objects.create(
        user=user, organisation=cell, role=RoleKind.CELL_LEADER, valid_from=dt.date(2999, 1, 1)
    )
    assert not access.holds_role(user)
    assert not access.can_see_org(user, cell)
