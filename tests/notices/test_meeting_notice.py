"""The meeting notice goes out by every channel and the preparation page says who it reached."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from chibo.common.access import SYSTEM
from chibo.meetings.models import MeetingKind
from chibo.meetings.selectors import notice_reach, preparation_checklist
from chibo.meetings.services import preparation as prep
from chibo.meetings.services.planning import meeting_create, meeting_reschedule
from chibo.members.models import Member
from chibo.notices.models import Attempt, AttemptStatus, Channel, Delivery
from chibo.notices.services import delivery_read, send_pending
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def at(y, m, d, hh=19, mm=30):
    return timezone.make_aware(dt.datetime(y, m, d, hh, mm))


@pytest.fixture
def meeting(cast):
    return meeting_create(
        cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 3), place="Nhà văn hóa tổ 1", by=SYSTEM
    )


@pytest.fixture
def people(cast):
    """An (account, e-mail), Bình (account), Cụ (phone only), Hoa (nothing at all)."""
    Member.objects.filter(pk=cast.member.pk).update(email="an@example.vn")
    cu = make_member(cast.cell, full_name="Ngô Văn Cụ", phone="0912000111")
    hoa = make_member(cast.cell, full_name="Phạm Thị Hoa")
    return cu, hoa


def notice_item(meeting):
    return next(item for item in preparation_checklist(meeting) if item[0] == "Thông báo cho đảng viên")


def test_the_notice_reaches_each_member_by_the_channels_they_have(cast, meeting, people):
    cu, hoa = people
    prep.meeting_send_notice(meeting=meeting, by=SYSTEM)
    meeting.refresh_from_db()
    by_member = {
        d.member_id: sorted(a.channel for a in d.attempts.all())
        for d in Delivery.objects.prefetch_related("attempts")
    }
    assert by_member == {
        cast.member.pk: sorted([Channel.INBOX, Channel.EMAIL]),
        cast.secretary.pk: [Channel.INBOX],
        cu.pk: [Channel.SMS],
        hoa.pk: [],
    }
    assert [m.to for m in mail.outbox] == [["an@example.vn"]]
    assert ".ics" in mail.outbox[0].body and ".ics" not in prep.meeting_notice(meeting).body
    # Sent is not reached: An's e-mail left; the SMS waits for the worker; nobody has read the inbox.
    reach = notice_reach(meeting)
    assert [m.pk for m in reach.reached] == [cast.member.pk] and reach.total == 4
    assert notice_item(meeting)[1] is False and notice_item(meeting)[2].startswith("đã báo 1/4")
    send_pending()
    delivery_read(Delivery.objects.get(member=cast.secretary))
    assert {m.pk for m in notice_reach(meeting).not_reached} == {hoa.pk}
    prep.meeting_print_slips(meeting=meeting, by=SYSTEM)
    reach = notice_reach(meeting)
    assert reach.all_reached and notice_item(meeting)[1] is True
    paper = Attempt.objects.get(channel=Channel.PAPER)
    assert paper.delivery.member == hoa and paper.status == AttemptStatus.SENT


def test_a_reschedule_sends_a_new_notice_that_must_reach_everyone_again(cast, meeting, people):
    prep.meeting_send_notice(meeting=meeting, by=SYSTEM)
    prep.meeting_print_slips(meeting=meeting, by=SYSTEM)
    meeting.refresh_from_db()
    assert notice_item(meeting)[1] is True
    meeting_reschedule(meeting=meeting, scheduled_at=at(2026, 4, 6), reason="Trùng lịch", by=SYSTEM)
    meeting.refresh_from_db()
    assert notice_item(meeting)[1] is False
    prep.meeting_send_notice(meeting=meeting, by=SYSTEM)
    meeting.refresh_from_db()
    reach = notice_reach(meeting)
    assert reach.total == 4 and len(reach.reached) == 1  # An's e-mail of the new notice only
    assert prep.meeting_notice(meeting).subject.endswith("19:30 06/04/2026")


def test_the_preparation_page_counts_before_and_after_and_prints_only_the_unreached(cast, meeting, people, as_user):
    cu, hoa = people
    client = as_user(cast.leader_user)
    url = reverse("meetings:prepare", args=[meeting.pk])
    before = client.get(url).content.decode()
    assert "hộp thư Chibo (2 đồng chí có tài khoản)" in before and "SMS (1 có số điện thoại)" in before
    assert "1 đồng chí chưa có cách nhận nào" in before
    client.post(reverse("meetings:send_notice", args=[meeting.pk]))
    after = client.get(url).content.decode()
    assert 'id="reach">1/4<' in after
    assert "Phạm Thị Hoa</strong> <span class=\"small muted\">— không có số điện thoại" in after
    assert "Ngô Văn Cụ</strong> <span class=\"small muted\">— Tin nhắn SMS: chờ gửi" in after
    assert "In giấy báo cho 3 đồng chí chưa được báo" in after
    slips = client.post(reverse("meetings:print_notice_slips", args=[meeting.pk])).content.decode()
    assert slips.count('class="slip"') == 3 and "Lê Văn An" not in slips
    assert 'id="reach">4/4<' in client.get(url).content.decode()


def test_a_sibling_cell_s_secretary_cannot_print_or_read_the_reach(cast, meeting, people, as_user):
    prep.meeting_send_notice(meeting=meeting, by=SYSTEM)
    client = as_user(cast.sibling_leader)
    assert client.post(reverse("meetings:print_notice_slips", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("meetings:prepare", args=[meeting.pk])).status_code == 404
    assert not Attempt.objects.filter(channel=Channel.PAPER).exists()
    member = as_user(cast.member_user)
    assert member.post(reverse("meetings:print_notice_slips", args=[meeting.pk])).status_code == 403


def test_slips_cannot_be_printed_before_the_notice_is_sent(cast, meeting, as_user):
    response = as_user(cast.leader_user).post(reverse("meetings:print_notice_slips", args=[meeting.pk]))
    assert response.status_code == 302
    assert not Attempt.objects.exists()


def test_cancelling_a_meeting_members_were_told_of_tells_them_again(cast, meeting, people):
    from chibo.meetings.services.planning import meeting_cancel
    from chibo.notices.models import NoticeKind

    prep.meeting_send_notice(meeting=meeting, by=SYSTEM)
    meeting.refresh_from_db()
    meeting_cancel(meeting=meeting, reason="Trùng lịch bầu cử", by=SYSTEM)
    told = Delivery.objects.filter(notice__kind=NoticeKind.MEETING_CHANGE)
    assert told.count() == 4 and "Trùng lịch bầu cử" in told[0].notice.body


def test_cancelling_a_meeting_never_announced_tells_nobody(cast, meeting, people):
    from chibo.meetings.services.planning import meeting_cancel

    meeting_cancel(meeting=meeting, reason="Trùng lịch", by=SYSTEM)
    assert not Delivery.objects.exists()
