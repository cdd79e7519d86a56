import pytest
from django.urls import reverse

from chibo.common.access import SYSTEM
from chibo.notices.models import ChannelChoice, Delivery, NoticeKind
from chibo.notices.services import notify
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def tell(cast, members, key="n1", subject="Thông báo sinh hoạt tháng 4"):
    return notify(
        key=key,
        kind=NoticeKind.MEETING,
        subject=subject,
        body="Chi bộ họp lúc 19:30 ngày 03/04/2026 tại Nhà văn hóa tổ 1.",
        sms_text="Chi bộ họp 19:30 03/04/2026.",
        link=reverse("meetings:my_schedule"),
        cell=cast.cell,
        members=members,
        by=SYSTEM,
    )


def test_the_member_sees_the_unread_count_in_the_menu_opens_the_notice_and_it_counts_as_read(cast, as_user):
    notice = tell(cast, [cast.member, cast.secretary])
    client = as_user(cast.member_user)
    home = client.get(reverse("home")).content.decode()
    assert 'id="nav-unread">1<' in home and 'id="home-unread">1<' in home
    inbox = client.get(reverse("notices:inbox"))
    assert "1 thông báo chưa đọc" in inbox.content.decode() and "Thông báo sinh hoạt tháng 4" in inbox.content.decode()
    delivery = Delivery.objects.get(notice=notice, member=cast.member)
    assert delivery.read_at is None and delivery.reached_at is None
    page = client.get(reverse("notices:open", args=[delivery.pk])).content.decode()
    assert "Nhà văn hóa tổ 1" in page and "đã đọc lúc" in page
    delivery.refresh_from_db()
    assert delivery.read_at is not None and delivery.reached_at == delivery.read_at
    assert 'id="nav-unread"' not in client.get(reverse("home")).content.decode()
    # The secretary's copy is still unread: a read receipt is per member.
    assert Delivery.objects.get(notice=notice, member=cast.secretary).read_at is None


def test_another_member_s_notice_is_not_found(cast, as_user):
    tell(cast, [cast.secretary])
    theirs = Delivery.objects.get(member=cast.secretary)
    assert as_user(cast.member_user).get(reverse("notices:open", args=[theirs.pk])).status_code == 404
    # Even the cell's secretary account does not read a member's inbox.
    mine = tell(cast, [cast.member], key="n2").deliveries.get()
    assert as_user(cast.leader_user).get(reverse("notices:open", args=[mine.pk])).status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None


def test_an_account_without_a_member_record_has_no_inbox(cast, as_user):
    page = as_user(cast.staff).get(reverse("notices:inbox")).content.decode()
    assert "không gắn với hồ sơ đảng viên" in page


def test_anonymous_readers_are_sent_to_the_login(client):
    response = client.get(reverse("notices:inbox"))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_a_member_chooses_their_own_channels(cast, as_user):
    client = as_user(cast.member_user)
    url = reverse("notices:channels", args=[cast.member.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"email": "on"})
    choice = ChannelChoice.objects.get(member=cast.member)
    assert (choice.sms, choice.email, choice.updated_by) == (False, True, cast.member_user)


def test_the_secretary_sets_channels_for_a_member_without_an_account(cast, as_user):
    old = make_member(cast.cell, full_name="Ngô Văn Cụ", phone="0912000111")
    client = as_user(cast.leader_user)
    url = reverse("notices:channels", args=[old.pk])
    assert "0912000111" in client.get(url).content.decode()
    client.post(url, {})
    assert ChannelChoice.objects.get(member=old).sms is False


def test_a_sibling_cell_s_secretary_and_a_plain_member_cannot_set_someone_s_channels(cast, as_user):
    old = make_member(cast.cell, full_name="Ngô Văn Cụ", phone="0912000111")
    url = reverse("notices:channels", args=[old.pk])
    assert as_user(cast.sibling_leader).post(url, {}).status_code == 404  # not even seen
    assert as_user(cast.outsider).get(url).status_code == 404
    assert as_user(cast.member_user).post(url, {}).status_code in (403, 404)
    assert not ChannelChoice.objects.exists()
