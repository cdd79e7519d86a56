import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from chibo.common.access import SYSTEM
from chibo.members.models import Membership, MembershipKind
from chibo.members.selectors import roster_on
from chibo.members.services import exemption_create, exemption_end, member_transfer, membership_open
from tests.factories import make_member, make_org

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def two_cells():
    ward = make_org("Phường", kind="grassroots")
    return make_org("Chi bộ A", parent=ward), make_org("Chi bộ B", parent=ward)


def names(qs):
    return {m.full_name for m in qs}


def test_roster_on_past_dates_across_a_transfer(two_cells):
    a, b = two_cells
    stays = make_member(a, full_name="Phạm Thị Hoa")
    moves = make_member(a, full_name="Vũ Văn Nam")
    member_transfer(member=moves, to_cell=b, on=D(2024, 6, 15), by=SYSTEM)

    assert names(roster_on(a, D(2024, 6, 14))) == {"Phạm Thị Hoa", "Vũ Văn Nam"}
    assert names(roster_on(a, D(2024, 6, 15))) == {"Phạm Thị Hoa"}
    assert names(roster_on(b, D(2024, 6, 15))) == {"Vũ Văn Nam"}
    # History is kept, not overwritten.
    rows = list(
        Membership.objects.filter(member=moves)
        .order_by("valid_from")
        .values_list("cell", "valid_from", "valid_until")
    )
    assert rows == [(a.pk, D(2020, 1, 1), D(2024, 6, 15)), (b.pk, D(2024, 6, 15), None)]
    assert stays in roster_on(a, D(2030, 1, 1))


def test_exempted_member_stays_on_roster_flagged_only_while_exempt(two_cells):
    a, _ = two_cells
    old = make_member(a, full_name="Đỗ Văn Cao")
    exemption = exemption_create(member=old, valid_from=D(2024, 3, 1), reason="Tuổi cao, sức yếu", by=SYSTEM)
    exemption_end(exemption=exemption, on=D(2024, 9, 1), by=SYSTEM)
    flag = lambda day: roster_on(a, day).get(pk=old.pk).is_exempt  # noqa: E731
    assert flag(D(2024, 2, 29)) is False
    assert flag(D(2024, 3, 1)) is True
    assert flag(D(2024, 8, 31)) is True
    assert flag(D(2024, 9, 1)) is False


def test_temporary_member_counts_at_host_not_at_home(two_cells):
    home, host = two_cells
    guest = make_member(home, full_name="Hoàng Minh Tuấn")
    membership_open(
        member=guest,
        cell=host,
        kind=MembershipKind.TEMPORARY,
        valid_from=D(2024, 1, 10),
        valid_until=D(2024, 7, 10),
        by=SYSTEM,
    )
    during, after = D(2024, 3, 1), D(2024, 7, 10)
    assert guest not in roster_on(home, during)
    here = roster_on(host, during).get(pk=guest.pk)
    assert here.is_temporary is True
    assert guest in roster_on(home, after) and guest not in roster_on(host, after)


def test_temporary_membership_needs_3_to_24_months(two_cells):
    home, host = two_cells
    guest = make_member(home)
    with pytest.raises(ValidationError, match="3 đến 12 tháng"):
        membership_open(
            member=guest,
            cell=host,
            kind=MembershipKind.TEMPORARY,
            valid_from=D(2024, 1, 1),
            valid_until=D(2024, 2, 1),
            by=SYSTEM,
        )
    with pytest.raises(ValidationError):
        membership_open(member=guest, cell=host, kind=MembershipKind.TEMPORARY, valid_from=D(2024, 1, 1), by=SYSTEM)


def test_two_official_memberships_at_once_are_refused(two_cells):
    a, b = two_cells
    m = make_member(a)
    with pytest.raises(ValidationError, match="mỗi lúc chỉ sinh hoạt chính thức ở một chi bộ"):
        membership_open(member=m, cell=b, valid_from=D(2023, 1, 1), by=SYSTEM)


def test_database_also_refuses_overlap_on_postgresql(two_cells):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("exclusion constraints exist only on PostgreSQL; the service check above covers SQLite")
    a, b = two_cells
    m = make_member(a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(member=m, cell=b, valid_from=D(2023, 1, 1))


def test_transfer_refuses_a_date_before_the_current_membership(two_cells):
    a, b = two_cells
    m = make_member(a, joined_on=D(2024, 1, 1))
    with pytest.raises(ValidationError):
        member_transfer(member=m, to_cell=b, on=D(2023, 12, 31), by=SYSTEM)
