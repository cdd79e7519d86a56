"""On a 360 px phone: ward staff create the accounts of a cell and print its slips; a member activates
with the code from the slip (the QR's address fills the card number) and lands on their schedule; no page
scrolls sideways."""

import os

import pytest
from django.urls import reverse

from tests.accounts.conftest import crowd  # noqa: F401  (fixture)
from tests.accounts.slips_text import code_for, pdf_text
from tests.browser.measure import open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-123"
NEW_PASSWORD = "Mat-khau-rat-moi-2026"


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def shot(page, name):
    # CHIBO_SCREENSHOTS=/tmp/x keeps the screens to look at.
    if os.environ.get("CHIBO_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["CHIBO_SCREENSHOTS"], f"{name}.png"), full_page=True)


def test_staff_print_slips_and_a_member_activates_on_a_phone(live_server, phone, cast, crowd, tmp_path):  # noqa: F811
    page = phone
    page.goto(live_server.url + reverse("accounts:org", args=[cast.cell2.pk]))
    page.fill("#id_username", "canbo")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Tài khoản đảng viên")
    assert fits(page)
    page.click("text=Tạo tài khoản cho đảng viên chưa có")
    page.wait_for_selector("text=Đã tạo 3 tài khoản mới")
    assert "3 chờ kích hoạt" in page.locator("#so-lieu").inner_text()
    shot(page, "accounts-org")
    assert fits(page)
    page.check("#id_confirm")
    with page.expect_download() as download:
        page.click("text=In phiếu (PDF)")
    pdf = tmp_path / "phieu.pdf"
    download.value.save_as(pdf)
    text = pdf_text(pdf)
    assert "Vũ Thị Lan" in text
    code = code_for(text, "79000002")

    open_menu(page)

    page.click("text=Đăng xuất (canbo)")
    page.goto(live_server.url + reverse("accounts:activate") + "?so_the=79000002")
    assert page.input_value("#id_login") == "79000002"
    page.fill("#id_code", "SAISAI")
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Mã kích hoạt không đúng")
    shot(page, "accounts-activate-error")
    assert fits(page)
    page.fill("#id_code", code.lower())
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Tài khoản đã được kích hoạt")
    assert page.url.endswith(reverse("meetings:my_schedule"))
    assert page.locator("text=Đăng xuất (Vũ Thị Lan)").count() == 1
    shot(page, "accounts-activated")
    assert fits(page)

    page.goto(live_server.url + reverse("accounts:password_change"))
    shot(page, "accounts-password-change")
    assert fits(page)


def test_a_secretary_issues_a_new_slip_and_the_reset_pages_fit_a_phone(live_server, phone, cast):
    page = phone
    page.goto(live_server.url + reverse("accounts:member_slip", args=[cast.member.pk]))
    page.fill("#id_username", "bithu")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Cấp phiếu mới cho đồng chí Lê Văn An")
    shot(page, "accounts-member-slip")
    assert fits(page)
    page.check("#id_confirm")
    with page.expect_download() as download:
        page.click("text=Cấp phiếu mới (PDF)")
    assert download.value.suggested_filename == "phieu-dangvien.pdf"
    open_menu(page)
    page.click("button:has-text('Đăng xuất')")
    page.goto(live_server.url + reverse("accounts:password_reset"))
    shot(page, "accounts-password-reset")
    assert fits(page)


def test_ward_staff_print_one_cells_slips_from_the_ward_page_on_a_phone(
    live_server,
    phone,
    cast,
    crowd,  # noqa: F811
    tmp_path,
    settings,
):
    from chibo.accounts import services
    from tests.factories import make_member

    settings.CHIBO_SLIPS_WEB_MAX = 2  # the ward's 4 pending accounts, cell2's 3: too many for one print
    make_member(cast.cell, full_name="Hồ Thị Ngọc", card_number="79000011")
    services.accounts_create(org=cast.ward, by=cast.staff)
    page = phone
    page.goto(live_server.url + reverse("accounts:org", args=[cast.ward.pk]))
    page.fill("#id_username", "canbo")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=In phiếu theo chi bộ")
    assert page.locator("#qua-nhieu").is_visible()
    shot(page, "accounts-ward")
    assert fits(page)
    assert page.locator("#theo-chi-bo code").inner_text() == "chibo accounts slips BD-02 --out phieu.pdf"
    page.check(f"#confirm-{cast.cell.pk}")
    with page.expect_download() as download:
        page.locator(f"form[action='{reverse('accounts:slips', args=[cast.cell.pk])}'] button").click()
    pdf = tmp_path / "chi-bo-1.pdf"
    download.value.save_as(pdf)
    text = pdf_text(pdf)
    assert "Hồ Thị Ngọc" in text and "Vũ Thị Lan" not in text
