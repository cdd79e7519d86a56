"""Leaving the party ends memberships, positions and the rights they give, that day."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.members.models import LeaveReason, Member, Membership, PositionKind
from chibo.members.services import member_leave, membership_open, position_assign
from chibo.orgs import access
from tests.factories import make_member, make_user

LEFT = dt.date(2025, 4, 1)


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def deputy(cast):
    member = make_member(cast.cell, full_name="Ngô Văn Đức", joined_on=dt.date(2020, 1, 1))
    user = make_user("duc", member=member)
    position_assign(member=member, cell=cast.cell, kind=PositionKind.DEPUTY, valid_from=dt.date(2022, 1, 1), by=SYSTEM)
    return member, user


def test_leaving_ends_memberships_positions_and_rights_that_day(cast, deputy, monkeypatch):
    member, user = deputy
    member_leave(member=member, on=LEFT, reason=LeaveReason.EXPULSION, note="QĐ 5-QĐ/ĐU", by=cast.staff)
    member.refresh_from_db()
    assert (member.left_on, member.left_reason) == (LEFT, LeaveReason.EXPULSION)
    assert not Membership.objects.filter(member=member).overlapping(LEFT, None).exists()
    assert member.positions.get().valid_until == LEFT
    monkeypatch.setattr("chibo.orgs.access.today", lambda: LEFT - dt.timedelta(days=1))
    assert access.can_write_org(fresh(user), cast.cell)
    monkeypatch.setattr("chibo.orgs.access.today", lambda: LEFT)
    assert not access.can_see_org(fresh(user), cast.cell)


def test_a_second_leaving_or_a_date_before_the_last_membership_is_refused(cast, deputy):
    member, _user = deputy
    with pytest.raises(ValidationError) as exc:
        member_leave(member=member, on=dt.date(2019, 12, 1), reason=LeaveReason.DEATH, by=cast.staff)
    assert "sinh hoạt gần nhất" in exc.value.message_dict["on"][0]
    with pytest.raises(ValidationError) as exc:
        member_leave(member=member, on=LEFT, reason="", by=cast.staff)
    assert "reason" in exc.value.message_dict
    entries = AuditEntry.objects.count()
    member_leave(member=member, on=LEFT, reason=LeaveReason.DEATH, by=cast.staff)
    assert AuditEntry.objects.count() > entries
    with pytest.raises(ValidationError) as exc:
        member_leave(member=member, on=LEFT, reason=LeaveReason.DEATH, by=cast.staff)
    assert "đã ra khỏi Đảng" in exc.value.message_dict["member"][0]
    with pytest.raises(ValidationError):
        membership_open(
            member=Member.objects.get(pk=member.pk), cell=cast.cell2, valid_from=dt.date(2025, 5, 1), by=SYSTEM
        )


def test_the_member_page_asks_for_a_confirmation_before_recording_it(cast, deputy, client):
    member, _user = deputy
    client.force_login(cast.leader_user)
    url = reverse("members:leave", args=[member.pk])
    assert "Ra khỏi Đảng" in client.get(reverse("members:detail", args=[member.pk])).content.decode()
    data = {"on": "01/04/2025", "reason": LeaveReason.REMOVAL, "note": "QĐ 7"}
    response = client.post(url, data)
    assert response.status_code == 200 and "Xác nhận ra khỏi Đảng" in response.content.decode()
    assert Member.objects.get(pk=member.pk).left_on is None
    response = client.post(url, {**data, "confirmed": "1"})
    assert response.status_code == 302
    assert Member.objects.get(pk=member.pk).left_on == LEFT
    body = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "Xóa tên" in body


def test_a_bad_date_gets_a_vietnamese_message_and_writes_nothing(cast, deputy, client):
    member, _user = deputy
    client.force_login(cast.leader_user)
    url = reverse("members:leave", args=[member.pk])
    response = client.post(url, {"on": "01/01/2019", "reason": LeaveReason.REMOVAL, "confirmed": "1"})
    assert response.status_code == 200
    assert "Ngày ra khỏi Đảng phải sau" in response.content.decode()
    assert Member.objects.get(pk=member.pk).left_on is None


def test_a_sibling_organisations_user_is_refused(cast, deputy, client):
    member, _user = deputy
    url = reverse("members:leave", args=[member.pk])
    for user in (cast.outsider, cast.sibling_leader):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"on": "01/04/2025", "reason": "death", "confirmed": "1"}).status_code == 404
    client.force_login(cast.member_user)
    assert client.get(url).status_code in (403, 404)
    assert Member.objects.get(pk=member.pk).left_on is None
