"""Nobody sits in a cell before joining the party, and nobody joins in the future (DOMAIN §3): the
services refuse both (the web form: tests/web/test_member_pages.py; the API:
tests/api/test_members_write_api.py), naming the field."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chibo.common.access import SYSTEM
from chibo.common.dates import today
from chibo.members.models import Member, Membership, MembershipKind
from chibo.members.services import member_create, member_transfer, member_update, membership_open
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date


def _fields(error: ValidationError) -> dict:
    return error.message_dict


def test_a_membership_before_the_admission_date_is_refused(cast):
    member = make_member(None, full_name="Phạm Văn Hùng", admitted_on=D(2015, 6, 1), official_on=None)
    with pytest.raises(ValidationError) as caught:
        membership_open(member=member, cell=cast.cell, valid_from=D(2015, 5, 31), by=SYSTEM)
    [message] = _fields(caught.value)["valid_from"]
    assert "Phạm Văn Hùng" in message and "31/05/2015" in message and "01/06/2015" in message
    assert not Membership.objects.filter(member=member).exists()
    # The admission day itself is fine, and so is a temporary stay that starts later.
    membership_open(member=member, cell=cast.cell, valid_from=D(2015, 6, 1), by=SYSTEM)
    with pytest.raises(ValidationError) as caught:
        membership_open(
            member=member, cell=cast.cell2, kind=MembershipKind.TEMPORARY, valid_from=D(2015, 1, 1),
            valid_until=D(2015, 8, 1),
            by=SYSTEM,
        )  # fmt: skip
    assert "valid_from" in _fields(caught.value)


def test_a_member_created_with_a_cell_from_before_admission_is_refused_whole(cast):
    with pytest.raises(ValidationError) as caught:
        member_create(
            full_name="Đỗ Thị Lan", gender="female", card_number="77000001", admitted_on=D(2020, 3, 1),
            cell=cast.cell, joined_on=D(2019, 12, 1),
            by=SYSTEM,
        )  # fmt: skip
    assert "trước ngày vào Đảng 01/03/2020" in _fields(caught.value)["valid_from"][0]
    # One transaction: no member without the membership that was refused.
    assert not Member.objects.filter(card_number="77000001").exists()


def test_an_admission_date_in_the_future_is_refused(cast):
    tomorrow = today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        member_create(full_name="Đỗ Thị Lan", gender="female", card_number="77000002", admitted_on=tomorrow, by=SYSTEM)
    assert "trong tương lai" in _fields(caught.value)["admitted_on"][0]
    # Today itself is allowed.
    assert member_create(full_name="Đỗ Thị Lan", gender="female", card_number="77000002", admitted_on=today(), by=SYSTEM)


def test_moving_the_admission_date_past_the_first_membership_is_refused(cast):
    member = make_member(
        cast.cell, full_name="Ngô Văn Tâm", admitted_on=D(2010, 1, 1), joined_on=D(2012, 1, 1)
    )
    with pytest.raises(ValidationError) as caught:
        member_update(member=member, admitted_on=D(2013, 1, 1), official_on=None, by=SYSTEM)
    assert "01/01/2012" in _fields(caught.value)["admitted_on"][0]
    member.refresh_from_db()
    assert member.admitted_on == D(2010, 1, 1)
    member_update(member=member, admitted_on=D(2012, 1, 1), official_on=None, by=SYSTEM)  # the same day is fine


def test_a_transfer_keeps_working_after_admission(cast):
    member = make_member(
        cast.cell, admitted_on=D(2018, 1, 1), official_on=D(2019, 1, 1), joined_on=D(2018, 1, 1)
    )
    moved = member_transfer(member=member, to_cell=cast.cell2, on=D(2022, 1, 1), by=SYSTEM)
    assert moved.cell == cast.cell2
