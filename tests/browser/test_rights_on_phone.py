"""On a 360 px phone: ward staff open the rights page, grant a supervisor right through the form and
revoke it after the confirmation; no page scrolls sideways."""

import datetime as dt

import pytest
from django.urls import reverse

from chibo.common.access import SYSTEM
from chibo.members.models import PositionKind
from chibo.members.services import position_assign
from chibo.orgs.models import Role
from tests.factories import make_member, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-123"
SHOTS = "/tmp/rights-shots"


def login(page, username):
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_staff_grant_and_revoke_a_right_on_a_phone(live_server, phone, cast):
    leader = make_member(cast.cell2, full_name="Phan Thanh Kiên", card_number="55550001")
    make_user("kien", member=leader)
    position_assign(
        member=leader, cell=cast.cell2, kind=PositionKind.SECRETARY, valid_from=dt.date(2024, 1, 1), by=SYSTEM
    )
    page = phone
    page.goto(live_server.url + reverse("orgs:rights", args=[cast.ward.pk]))
    login(page, "canbo")
    page.wait_for_selector("text=chức vụ: Bí thư")
    assert fits(page)
    page.screenshot(path=f"{SHOTS}/rights.png", full_page=True)

    page.click("text=+ Trao quyền")
    page.fill("#id_tim", "thanh kien")
    page.click("button:has-text('Tìm')")
    page.click("a:has-text('Chọn')")
    page.select_option("#id_role", "supervisor")
    page.fill("#id_reason", "Quyết định 15-QĐ/ĐU")
    assert fits(page)
    page.screenshot(path=f"{SHOTS}/grant.png", full_page=True)
    page.click("button:has-text('Trao quyền')")
    page.wait_for_selector("text=Đã trao quyền cho Phan Thanh Kiên")
    role = Role.objects.get(user__username="kien")

    page.click(f"a[href$='/quyen-han/{role.pk}/thu-hoi/']")
    page.wait_for_selector("text=Xác nhận thu hồi")
    assert fits(page)
    page.screenshot(path=f"{SHOTS}/revoke.png", full_page=True)
    page.click("text=Xác nhận thu hồi")
    page.wait_for_selector("text=Đã thu hồi quyền")
    role.refresh_from_db()
    assert role.valid_until is not None


def test_the_leaving_confirmation_fits_a_phone(live_server, phone, cast):
    page = phone
    page.goto(live_server.url + reverse("members:leave", args=[cast.member.pk]))
    login(page, "bithu")
    page.fill("#id_on", "01/04/2025")
    page.select_option("#id_reason", "voluntary")
    page.click("text=Tiếp tục")
    page.wait_for_selector("text=Xác nhận ra khỏi Đảng")
    assert fits(page)
    page.screenshot(path=f"{SHOTS}/leave.png", full_page=True)
