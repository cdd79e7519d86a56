"""On a 360 px phone: the cell leader runs a meeting from start to end; a member checks in by QR link."""

import pytest

from chibo.meetings.models import Meeting, MeetingStatus, Vote
from tests.meetings.conftest import make_meeting
from tests.meetings.running_fixtures import *  # noqa: F403

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-123"


def login(page, username):
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_leader_runs_a_meeting_on_a_phone_and_a_member_checks_in_by_qr(
    live_server, phone, browser, cast, run_rules
):
    meeting = make_meeting(cast.cell, run_rules, place="Nhà văn hóa tổ 1")
    page = phone

    # The leader opens the planned meeting.
    page.goto(f"{live_server.url}/sinh-hoat/{meeting.pk}/dieu-hanh/")
    login(page, "bithu")
    page.wait_for_selector("h2:has-text('Bắt đầu buổi sinh hoạt')")
    assert page.input_value("#id_start") == "19:30" and fits(page)
    page.select_option("#id_chair", label="Trần Thị Bình")
    page.click("button:has-text('Bắt đầu buổi sinh hoạt')")
    page.wait_for_selector("text=Các bước sinh hoạt")
    assert fits(page)

    # Steps are marked done one tap each, without a page load (htmx swaps the steps: the next is current).
    page.evaluate("window.__same_page = true")
    for order in (1, 2):
        page.click(f"#buoc-{order} button:has-text('Xong bước này')")
        page.wait_for_selector(f"li.step.current#buoc-{order + 1}")
    assert page.evaluate("window.__same_page === true")

    # A member scans the code on its own screen: the link under the QR opens on their own phone.
    page.click("text=Hiện mã QR điểm danh")
    assert page.locator(".qr-screen svg").count() == 1
    link = page.locator("a[href*='/co-mat/']").first.get_attribute("href")
    other = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="vi-VN"
    )
    member_page = other.new_page()
    member_page.goto(link)
    login(member_page, "dangvien")
    member_page.click("button:has-text('Tôi có mặt')")
    member_page.wait_for_selector("text=đã điểm danh có mặt")
    assert member_page.evaluate("document.documentElement.scrollWidth") <= 360
    other.close()

    # Roll call: the checked-in member is present; nobody is left to mark (the chair was marked at the start).
    page.click("text=← Quay lại các bước")
    page.click("nav.run-nav >> text=Điểm danh")
    page.wait_for_selector("#rate:has-text('Có mặt 2/2')")
    assert "100%" in page.inner_text("#rate") and fits(page)

    # A vote.
    page.click("nav.run-nav >> text=Biểu quyết")
    page.fill("#id_motion", "Thông qua nghị quyết tháng 3")
    page.fill("#id_in_favour", "2")
    page.click("button:has-text('Ghi kết quả')")
    page.wait_for_selector("text=được thông qua")
    assert fits(page)

    # Close the meeting: the end proposed is the start plus the rule set's 90 minutes.
    page.click("nav.run-nav >> text=Các bước")
    assert page.input_value("#ket_thuc_day") == "05/03/2025"
    assert page.input_value("#ket_thuc_end") == "21:00"
    # It ended after an hour: shorter than the minimum, so the server asks for a confirmation first
    # (htmx swaps the closing section only; the time typed stays).
    page.evaluate("window.__same_page = true")
    page.fill("#ket_thuc_end", "20:30")
    page.click("button:has-text('Kết thúc buổi sinh hoạt')")
    page.wait_for_selector("#ket-thuc >> text=ít hơn thời lượng tối thiểu 90 phút")
    assert page.evaluate("window.__same_page === true")
    assert page.input_value("#ket_thuc_end") == "20:30"
    page.locator("#ket-thuc").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/run-close-confirm.png")
    assert fits(page)
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.OPEN
    page.check("#ket_thuc_confirm_short")
    page.click("button:has-text('Kết thúc buổi sinh hoạt')")
    page.wait_for_selector("text=Buổi sinh hoạt đã kết thúc.")
    assert "chưa đủ 90 phút" in page.inner_text("main") and fits(page)
    page.screenshot(path="/tmp/run-closed.png", full_page=True)

    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.status == MeetingStatus.HELD and meeting.checkin_token == ""
    assert meeting.ended_at == local(2025, 3, 5, 20, 30)  # noqa: F405
    assert meeting.attendances.get(member=cast.member).checked_in_at is not None
    assert meeting.steps.filter(done=True).count() == 2
    assert Vote.objects.get(meeting=meeting).passed
