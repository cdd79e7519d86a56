"""Rights follow the registry: memberships and positions give them, by date."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from chibo.common.access import SYSTEM
from chibo.members.models import PositionKind
from chibo.members.services import member_transfer, position_assign, position_end
from chibo.orgs import access
from chibo.orgs.models import RoleKind
from tests.factories import make_member, make_user


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)  # a new request: nothing cached


@pytest.fixture
def day(monkeypatch):
    """Set today's date for the access layer (chibo.common.dates.today is imported there)."""

    def set_day(value: dt.date):
        monkeypatch.setattr("chibo.orgs.access.today", lambda: value)

    return set_day


@pytest.fixture
def registry_user(cast):
    """A member of `cell` with an account and no Role row at all."""
    member = make_member(cast.cell, full_name="Phạm Văn Chiến", joined_on=dt.date(2020, 1, 1))
    user = make_user("chien", member=member)
    return member, user


def test_an_official_membership_gives_the_member_right_on_its_cell(cast, registry_user, day):
    _member, user = registry_user
    day(dt.date(2024, 6, 1))
    user = fresh(user)
    assert access.holds_role(user, (RoleKind.MEMBER,))
    assert access.can_see_org(user, cast.cell)
    assert not access.can_see_org(user, cast.cell2)
    assert not access.can_write_org(user, cast.cell)
    day(dt.date(2019, 12, 31))  # before the membership starts
    assert not access.can_see_org(fresh(user), cast.cell)


def test_rights_move_with_a_transfer_on_its_date(cast, registry_user, day):
    member, user = registry_user
    member_transfer(member=member, to_cell=cast.cell2, on=dt.date(2025, 3, 1), by=cast.staff)
    day(dt.date(2025, 2, 28))
    user = fresh(user)
    assert access.can_see_org(user, cast.cell) and not access.can_see_org(user, cast.cell2)
    day(dt.date(2025, 3, 1))
    user = fresh(user)
    assert access.can_see_org(user, cast.cell2) and not access.can_see_org(user, cast.cell)


def test_a_temporary_membership_gives_the_host_cell(cast, registry_user, day):
    from chibo.members.models import MembershipKind
    from chibo.members.services import membership_open

    member, user = registry_user
    membership_open(
        member=member,
        cell=cast.cell2,
        kind=MembershipKind.TEMPORARY,
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2025, 7, 1),
        by=cast.staff,
    )
    day(dt.date(2025, 3, 1))
    assert access.can_see_org(fresh(user), cast.cell2)
    day(dt.date(2025, 7, 1))
    assert not access.can_see_org(fresh(user), cast.cell2)


def test_a_secretarys_rights_start_and_end_with_the_term(cast, registry_user, day, client):
    member, user = registry_user
    position_assign(
        member=member,
        cell=cast.cell,
        kind=PositionKind.SECRETARY,
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2027, 1, 1),
        by=cast.staff,
    )
    day(dt.date(2024, 12, 31))
    assert not access.can_write_org(fresh(user), cast.cell)
    day(dt.date(2025, 1, 1))
    assert access.can_write_org(fresh(user), cast.cell)
    assert not access.can_write_org(fresh(user), cast.cell2)
    day(dt.date(2026, 12, 31))
    assert access.can_write_org(fresh(user), cast.cell)
    day(dt.date(2027, 1, 1))
    assert not access.can_write_org(fresh(user), cast.cell)
    assert access.can_see_org(fresh(user), cast.cell)  # still a member of the cell


def test_the_next_secretary_has_the_rights_from_the_start_of_the_term(cast, day):
    first = make_member(cast.cell, full_name="Đỗ Văn Một")
    second = make_member(cast.cell, full_name="Đỗ Văn Hai")
    u1, u2 = make_user("mot", member=first), make_user("hai", member=second)
    term = position_assign(
        member=first, cell=cast.cell, kind=PositionKind.SECRETARY, valid_from=dt.date(2023, 1, 1), by=SYSTEM
    )
    position_end(position=term, on=dt.date(2025, 5, 1), by=SYSTEM)
    position_assign(
        member=second, cell=cast.cell, kind=PositionKind.SECRETARY, valid_from=dt.date(2025, 5, 1), by=SYSTEM
    )
    day(dt.date(2025, 4, 30))
    assert access.can_write_org(fresh(u1), cast.cell) and not access.can_write_org(fresh(u2), cast.cell)
    day(dt.date(2025, 5, 1))
    assert not access.can_write_org(fresh(u1), cast.cell) and access.can_write_org(fresh(u2), cast.cell)
    assert set(access.users_holding(cast.cell, (RoleKind.CELL_LEADER,), day=dt.date(2025, 5, 1))) >= {u2}
    assert u1 not in set(access.users_holding(cast.cell, (RoleKind.CELL_LEADER,), day=dt.date(2025, 5, 1)))


def test_the_derived_part_costs_no_extra_query(cast, registry_user, django_assert_num_queries):
    _member, user = registry_user
    user = fresh(user)
    with django_assert_num_queries(1):
        assert access.can_see_org(user, cast.cell)
        assert access.holds_role(user, (RoleKind.MEMBER,))
        assert not access.can_write_org(user, cast.cell)


def test_a_position_opens_the_pages_of_the_cell_on_the_next_request(cast, registry_user, client):
    member, user = registry_user
    client.force_login(user)
    edit = reverse("orgs:edit", args=[cast.cell.pk])
    assert client.get(edit).status_code == 403
    position_assign(member=member, cell=cast.cell, kind=PositionKind.DEPUTY, valid_from=dt.date(2024, 1, 1), by=SYSTEM)
    assert client.get(edit).status_code == 200
    assert client.get(reverse("orgs:edit", args=[cast.other_cell.pk])).status_code == 404
