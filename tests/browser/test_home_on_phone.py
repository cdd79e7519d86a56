"""On a 360 × 780 phone, the first screen is the user's next action: the menu folds into one button, a
secretary sees the next meeting with its run button, a member reports an absence in two taps, an anonymous
reader at `/` gets the portal. No tap target under 44 × 44 px on the home screens."""

import datetime as dt

import pytest
from django.utils import timezone

from chibo.meetings.models import AbsenceReport
from chibo.portal.models import Article
from chibo.resolutions.models import Task
from tests.browser.measure import fits, shot, small_targets
from tests.meetings.conftest import *  # noqa: F403  (the rule_set fixture)
from tests.meetings.conftest import make_meeting
from tests.portal.conftest import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-123"
SCREEN = 780


def login(page, base, username):
    page.goto(base + "/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def soon(days):
    return timezone.localtime().replace(hour=19, minute=30, second=0, microsecond=0) + dt.timedelta(days=days)


def nav_height(page) -> float:
    return page.evaluate("document.querySelector('header.topbar').getBoundingClientRect().height")


def test_a_secretary_lands_on_the_next_meeting_with_the_menu_folded(live_server, phone, cast, rule_set):
    meeting = make_meeting(cast.cell, rule_set, when=soon(6), place="Nhà văn hóa tổ 1")
    Task.objects.create(
        cell=cast.cell,
        meeting=meeting,
        member=cast.member,
        text="Vận động quỹ khuyến học",
        due_on=dt.date.today() - dt.timedelta(days=2),
    )
    page = phone
    login(page, live_server.url, "bithu")
    assert page.url.rstrip("/") == live_server.url
    shot(page, "home-secretary")
    assert nav_height(page) < 80 and fits(page)
    # The next meeting and its run button are on the first screen.
    run = page.locator("a:has-text('Điều hành buổi sinh hoạt')").bounding_box()
    assert run is not None and run["y"] + run["height"] <= SCREEN
    assert "Nhà văn hóa tổ 1" in page.inner_text("section.next-meeting")
    assert "Vận động quỹ khuyến học" in page.inner_text("section.next-meeting")
    assert small_targets(page) == []
    # The menu opens as full-width rows and closes again.
    page.click("button.menu-button")
    assert page.locator("#menu a:has-text('Tổ chức')").is_visible()
    shot(page, "home-secretary-menu")
    assert small_targets(page) == [] and fits(page)
    page.keyboard.press("Escape")
    assert not page.locator("#menu a:has-text('Tổ chức')").is_visible() and nav_height(page) < 80
    # At 200% text size (the phone's setting scales the root font) nothing overflows sideways.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert fits(page) and page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 32
    shot(page, "home-secretary-200")
    page.click("a:has-text('Điều hành buổi sinh hoạt')")
    page.wait_for_url(f"**/sinh-hoat/{meeting.pk}/dieu-hanh/")


def test_a_member_reports_an_absence_in_two_taps(live_server, phone, cast, rule_set):
    meeting = make_meeting(cast.cell, rule_set, when=soon(4), place="Nhà văn hóa tổ 1")
    page = phone
    login(page, live_server.url, "dangvien")
    shot(page, "home-member")
    assert nav_height(page) < 80 and fits(page) and small_targets(page) == []
    assert "Nhà văn hóa tổ 1" in page.inner_text("section.my-next")
    page.click("section.my-next >> text=Báo vắng")  # tap 1
    assert small_targets(page) == [] and fits(page)
    shot(page, "absence-member")
    page.click("button:has-text('Ốm đau')")  # tap 2
    page.wait_for_selector("text=Đã báo vắng")
    assert AbsenceReport.objects.get(meeting=meeting, member=cast.member).reason == "Ốm đau"


def test_the_portal_opens_at_the_root_for_an_anonymous_reader(live_server, phone, cast):
    make_article(
        cast.ward, title="Nâng cao chất lượng sinh hoạt chi bộ", body="Nội dung bài viết.", by=cast.staff
    )
    assert Article.objects.exists()
    page = phone
    page.goto(live_server.url + "/")
    assert page.url.rstrip("/") == live_server.url  # not sent to the login page
    shot(page, "home-anonymous")
    assert "Nâng cao chất lượng sinh hoạt chi bộ" in page.inner_text("main")
    assert nav_height(page) < 80 and fits(page)
    page.click("button.menu-button")
    page.click("#menu >> text=Đăng nhập")
    page.wait_for_selector("#id_username")
