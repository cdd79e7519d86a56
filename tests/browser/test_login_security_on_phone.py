"""On a phone: a staff member logs in with a TOTP code computed here; another, without a device, is
walked through the set-up (secret read from the page) and shown the recovery codes."""

import base64
import re

import pytest
from django_otp.oath import TOTP

from chibo.security import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "matkhau-thu-123"


def code_for(key: bytes) -> str:
    return str(TOTP(key).token()).zfill(6)


def shot(page, name):
    page.screenshot(path=f"/tmp/security-{name}.png", full_page=True)


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def log_in(page, base, username):
    page.goto(f"{base}/dang-nhap/")
    shot(page, "login")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_staff_log_in_with_a_totp_code_on_a_phone(live_server, phone, cast, settings):
    settings.CHIBO_REQUIRE_2FA = True
    device = services.pending_totp(cast.staff)
    services.totp_confirm(device=device, by=cast.staff)
    page = phone

    log_in(page, live_server.url, "canbo")
    page.wait_for_selector("h1:has-text('Xác thực hai lớp')")
    fits(page)
    shot(page, "verify")
    page.fill("#id_code", code_for(device.bin_key))
    page.click("button.primary")
    page.wait_for_selector("text=Đăng xuất (canbo)", state="attached")
    assert "/bao-mat/" not in page.url
    page.goto(f"{live_server.url}/to-chuc/{cast.ward.pk}/")
    page.wait_for_selector("h1:has-text('Đảng bộ phường Ba Đình')")

    page.goto(f"{live_server.url}/bao-mat/")
    page.wait_for_selector("h1:has-text('Bảo mật tài khoản')")
    fits(page)
    shot(page, "home")


def test_staff_without_a_device_are_walked_through_the_set_up(live_server, phone, cast, settings):
    settings.CHIBO_REQUIRE_2FA = True
    page = phone

    log_in(page, live_server.url, "phutrach")
    page.wait_for_selector("h1:has-text('Cài đặt xác thực hai lớp')")
    assert page.locator(".qr svg").count() == 1
    fits(page)
    shot(page, "setup")
    secret = page.inner_text("#totp-secret").replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_code", code_for(key))
    page.click("button.primary")
    page.wait_for_selector("h1:has-text('Mã khôi phục')")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z0-9]{5}-[a-z0-9]{5}", c) for c in codes)
    fits(page)
    shot(page, "codes")
    page.click("text=Tôi đã lưu các mã, tiếp tục")
    page.wait_for_selector("text=Đăng xuất (phutrach)", state="attached")


def test_the_staff_accounts_page_fits_a_phone(live_server, phone, cast):
    from axes.models import AccessAttempt
    from django.utils import timezone

    AccessAttempt.objects.create(
        username="dangvien",
        ip_address="10.1.1.1",
        user_agent="x",
        failures_since_start=5,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/dang-nhap/",
    )
    page = phone
    log_in(page, live_server.url, "canbo")
    page.goto(f"{live_server.url}/bao-mat/tai-khoan/?q=an")
    page.wait_for_selector("text=Lê Văn An")
    fits(page)
    shot(page, "accounts")
    page.click("button:has-text('Mở khóa')")
    page.wait_for_selector("text=Đã mở khóa đăng nhập cho Lê Văn An")

    # The lockout message on the login page.
    context = phone.context.browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    other = context.new_page()
    for _ in range(5):
        other.goto(f"{live_server.url}/dang-nhap/")
        other.fill("#id_username", "dangvien")
        other.fill("#id_password", "sai-mat-khau")
        other.click("button[type=submit]")
    other.wait_for_selector("text=Tạm khóa đăng nhập")
    assert other.evaluate("document.documentElement.scrollWidth") <= 360
    other.screenshot(path="/tmp/security-locked.png", full_page=True)
    context.close()
