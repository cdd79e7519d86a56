"""Check-in by QR code and by the member's own button (issue 3 §4, §7)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from chibo.meetings.models import AttendanceStatus
from chibo.meetings.services.running import (
    CheckinRefused,
    attendance_mark_all_present,
    meeting_close,
    member_checkin,
)
from chibo.orgs.models import RoleKind
from tests.factories import make_member, make_user
from tests.meetings.running_fixtures import *  # noqa: F403
from tests.meetings.running_fixtures import local, opened, planned

pytestmark = pytest.mark.django_db


def qr_url(meeting, token=None):
    return reverse("meetings:checkin", args=[meeting.pk, token or meeting.checkin_token])


def test_scanning_the_code_marks_the_member_present_and_late_after_the_start(cast, run_rules):
    meeting = opened(cast, run_rules)
    line = member_checkin(
        meeting=meeting, member=cast.member, token=meeting.checkin_token, at=local(2025, 3, 5, 19, 42)
    )
    assert line.status == AttendanceStatus.PRESENT
    assert line.checked_in_at == local(2025, 3, 5, 19, 42) and line.arrived_late_at == local(
        2025, 3, 5, 19, 42
    )


def test_a_check_in_before_the_start_is_not_late(cast, run_rules):
    meeting = opened(cast, run_rules)
    line = member_checkin(
        meeting=meeting, member=cast.member, token=meeting.checkin_token, at=local(2025, 3, 5, 19, 25)
    )
    assert line.status == AttendanceStatus.PRESENT and line.arrived_late_at is None


def test_checking_in_twice_is_harmless(cast, run_rules):
    meeting = opened(cast, run_rules)
    member_checkin(
        meeting=meeting, member=cast.member, token=meeting.checkin_token, at=local(2025, 3, 5, 19, 25)
    )
    again = member_checkin(
        meeting=meeting, member=cast.member, token=meeting.checkin_token, at=local(2025, 3, 5, 20, 0)
    )
    assert again.checked_in_at == local(2025, 3, 5, 19, 25) and again.arrived_late_at is None


def test_a_member_who_sent_apologies_and_came_anyway_is_present(cast, run_rules):
    from chibo.meetings.models import AbsenceReport
    from chibo.meetings.services.running import meeting_open

    meeting = planned(cast, run_rules)
    AbsenceReport.objects.create(meeting=meeting, member=cast.member, reason="Có thể bận")
    meeting = meeting_open(meeting=meeting, started_at=local(2025, 3, 5, 19, 30), by=cast.leader_user)
    line = member_checkin(meeting=meeting, member=cast.member, token=meeting.checkin_token)
    assert (line.status, line.reason) == (AttendanceStatus.PRESENT, "")


def test_check_in_is_refused_before_the_meeting_opens(cast, run_rules):
    meeting = planned(cast, run_rules)
    with pytest.raises(CheckinRefused, match="chưa bắt đầu"):
        member_checkin(meeting=meeting, member=cast.member, token="bat-ky")


def test_check_in_is_refused_after_the_meeting_ends_with_the_old_code(cast, run_rules):
    meeting = opened(cast, run_rules)
    old = meeting.checkin_token
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    meeting_close(meeting=meeting, ended_at=local(2025, 3, 5, 21, 0), by=cast.leader_user)
    with pytest.raises(CheckinRefused, match="hết hiệu lực"):
        member_checkin(meeting=meeting, member=cast.member, token=old)


def test_a_wrong_code_is_refused(cast, run_rules):
    meeting = opened(cast, run_rules)
    with pytest.raises(CheckinRefused, match="Mã điểm danh không đúng"):
        member_checkin(meeting=meeting, member=cast.member, token="sai-ma")
    assert meeting.attendances.get(member=cast.member).status == ""


def test_the_code_of_another_meeting_does_not_work_here(cast, run_rules):
    ours = opened(cast, run_rules)
    theirs = opened(cast, run_rules, when=local(2025, 3, 20, 19, 30), extra_reason="Họp thêm")
    with pytest.raises(CheckinRefused, match="Mã điểm danh không đúng"):
        member_checkin(meeting=ours, member=cast.member, token=theirs.checkin_token)


def test_a_member_of_another_cell_is_not_on_the_roll_call(cast, run_rules):
    meeting = opened(cast, run_rules)
    stranger = make_member(cast.other_cell, full_name="Cao Văn Lạ")
    with pytest.raises(CheckinRefused, match="không có tên trong danh sách điểm danh"):
        member_checkin(meeting=meeting, member=stranger, token=meeting.checkin_token)


# --- through the web ------------------------------------------------------------------------------------


def test_the_qr_link_asks_to_log_in_and_comes_back(cast, run_rules, client):
    meeting = opened(cast, run_rules)
    response = client.get(qr_url(meeting))
    assert response.status_code == 302 and "/dang-nhap/" in response.url and "next=" in response.url


def test_a_member_confirms_with_one_tap_on_the_qr_page(cast, run_rules, as_user):
    meeting = opened(cast, run_rules)
    client = as_user(cast.member_user)
    page = client.get(qr_url(meeting))
    assert page.status_code == 200 and "Tôi có mặt" in page.text
    assert meeting.attendances.get(member=cast.member).status == ""  # a GET changes nothing
    done = client.post(qr_url(meeting))
    assert done.status_code == 200 and "đã điểm danh có mặt" in done.text
    assert meeting.attendances.get(member=cast.member).status == AttendanceStatus.PRESENT
    # posted twice: still one present line, still 200
    assert client.post(qr_url(meeting)).status_code == 200


def test_the_qr_page_refuses_a_wrong_code_in_vietnamese(cast, run_rules, as_user):
    meeting = opened(cast, run_rules)
    response = as_user(cast.member_user).post(qr_url(meeting, "sai-ma"))
    assert response.status_code == 403 and "Mã điểm danh không đúng hoặc đã cũ" in response.text


def test_the_qr_page_refuses_a_meeting_not_open(cast, run_rules, as_user):
    meeting = planned(cast, run_rules)
    response = as_user(cast.member_user).get(qr_url(meeting, "bat-ky"))
    assert response.status_code == 403 and "chưa bắt đầu" in response.text


def test_a_member_of_another_cell_holding_the_code_is_told_they_are_not_on_the_list(cast, run_rules, as_user):
    meeting = opened(cast, run_rules)
    stranger = make_member(cast.other_cell, full_name="Cao Văn Lạ")
    user = make_user("la", role=RoleKind.MEMBER, org=cast.other_cell, member=stranger)
    response = as_user(user).post(qr_url(meeting))
    assert response.status_code == 403 and "không có tên trong danh sách điểm danh" in response.text


def test_a_sibling_without_the_code_gets_404(cast, run_rules, as_user):
    meeting = opened(cast, run_rules)
    for user in (cast.outsider, cast.sibling_leader):
        assert as_user(user).get(qr_url(meeting, "doan-bua")).status_code == 404


def test_a_member_checks_in_with_their_own_button_while_the_meeting_is_open(cast, run_rules, as_user):
    meeting = opened(cast, run_rules)
    client = as_user(cast.member_user)
    response = client.post(reverse("meetings:checkin_self", args=[meeting.pk]), {"next": "/"})
    assert response.status_code == 302 and response.url == "/"
    line = meeting.attendances.get(member=cast.member)
    assert line.status == AttendanceStatus.PRESENT and line.checked_in_at <= timezone.now()


def test_the_own_button_does_nothing_before_the_meeting_opens(cast, run_rules, as_user):
    meeting = planned(cast, run_rules)
    response = as_user(cast.member_user).post(
        reverse("meetings:checkin_self", args=[meeting.pk]), follow=True
    )
    assert "chưa bắt đầu" in response.text


def test_the_own_button_of_a_sibling_meeting_is_404(cast, run_rules, as_user):
    meeting = opened(cast, run_rules)
    assert (
        as_user(cast.sibling_leader).post(reverse("meetings:checkin_self", args=[meeting.pk])).status_code
        == 404
    )


def test_the_own_button_partial_shows_only_while_the_meeting_is_open(cast, run_rules, rf):
    from django.template.loader import render_to_string

    request = rf.get("/sinh-hoat/")
    request.user = cast.member_user
    meeting = planned(cast, run_rules)
    partial = "meetings/running/_checkin_button.html"
    assert "Tôi có mặt" not in render_to_string(
        partial, {"meeting": meeting, "user": cast.member_user}, request
    )
    meeting = opened(cast, run_rules, when=local(2025, 3, 20, 19, 30), extra_reason="Họp thêm")
    html = render_to_string(partial, {"meeting": meeting, "user": cast.member_user}, request)
    assert "Tôi có mặt" in html and reverse("meetings:checkin_self", args=[meeting.pk]) in html
