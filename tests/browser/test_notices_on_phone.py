"""On a 360 × 780 phone: the secretary sends a meeting notice; a member with no e-mail sees it in the Chibo
inbox with the unread badge and opens it; the secretary's preparation page then shows that member as reached."""

import datetime as dt

import pytest
from django.utils import timezone

from chibo.notices.models import Delivery
from tests.browser.measure import fits, shot, small_targets
from tests.meetings.conftest import make_meeting, rule_set  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-123"


def login(page, base, username):
    page.goto(base + "/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def new_phone(browser):
    return browser.new_context(
        viewport={"width": 360, "height": 780}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="vi-VN"
    ).new_page()


def test_a_member_without_e_mail_is_reached_through_the_inbox(live_server, browser, cast, rule_set):  # noqa: F811
    when = timezone.localtime().replace(hour=19, minute=30, second=0, microsecond=0) + dt.timedelta(days=5)
    # A transactional test starts without the shipped rule sets: the fixture's own one.
    meeting = make_meeting(cast.cell, rule_set, when=when, place="Nhà văn hóa tổ 1")
    assert not cast.member.email and not cast.member_user.email
    secretary = new_phone(browser)
    login(secretary, live_server.url, "bithu")
    prepare = f"{live_server.url}/sinh-hoat/{meeting.pk}/chuan-bi/"
    secretary.goto(prepare)
    secretary.click("button:has-text('Gửi thông báo')")
    secretary.wait_for_load_state()
    assert secretary.inner_text("#reach") == "0/2"
    assert "Lê Văn An" in secretary.inner_text("#not-reached")
    shot(secretary, "notice-sent-secretary")

    member = new_phone(browser)
    login(member, live_server.url, "dangvien")
    # The menu is folded on a phone: its button carries the unread count, as does the home page.
    assert "1" in member.inner_text("button.menu-button")
    assert member.inner_text("#home-unread") == "1"
    shot(member, "notice-member-home")
    member.click("button.menu-button")
    member.click("#menu a:has-text('Thông báo')")
    member.wait_for_url("**/thong-bao/")
    assert "1 thông báo chưa đọc" in member.inner_text("main")
    assert small_targets(member) == [] and fits(member)
    member.click("main ul.inbox a")
    member.wait_for_load_state()
    assert "Nhà văn hóa tổ 1" in member.inner_text("main") and "đã đọc lúc" in member.inner_text("main")
    shot(member, "notice-member-open")
    assert small_targets(member) == [] and fits(member)
    assert Delivery.objects.get(member=cast.member).read_at is not None

    secretary.goto(prepare)
    assert secretary.inner_text("#reach") == "1/2"
    assert "Lê Văn An" not in secretary.inner_text("#not-reached")
    assert "Trần Thị Bình" in secretary.inner_text("#not-reached")  # the secretary's own copy is still unread
    shot(secretary, "notice-reached-secretary")
