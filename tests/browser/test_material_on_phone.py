"""On a 360 px phone: a member finds their next meeting, sees the committee's material the secretary
attached to it, opens it and downloads its PDF; the ward's staff then see that the member opened it."""

import datetime as dt

import pytest
from django.utils import timezone

from chibo.materials import services
from chibo.materials.models import Audience, MaterialKind, MaterialOpen
from tests.browser.measure import open_menu
from tests.materials.conftest import pdf_bytes, upload
from tests.meetings.conftest import make_meeting, rule_set  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-123"


def login(page, username):
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_member_reads_their_meetings_material_on_a_phone(live_server, phone, cast, rule_set):  # noqa: F811
    when = timezone.localtime() + dt.timedelta(days=3)
    meeting = make_meeting(
        cast.cell, rule_set, when=when.replace(hour=19, minute=30, second=0, microsecond=0)
    )
    material = services.material_publish(
        publisher=cast.ward,
        kind=MaterialKind.MONTHLY,
        month=when.date().replace(day=1),
        title="Tài liệu sinh hoạt chi bộ tháng này: quán triệt Nghị quyết về chuyển đổi số",
        summary="Đề nghị các đồng chí đọc trước nội dung phần II.",
        audience=Audience.SUBTREE,
        uploads=[upload("tai-lieu-sinh-hoat-thang-nay-chuyen-doi-so.pdf", pdf_bytes("Chuyển đổi số"))],
        by=cast.staff,
    )
    services.material_attach(material=material, meeting=meeting, by=cast.leader_user)
    page = phone

    page.goto(f"{live_server.url}/dang-nhap/")
    login(page, "dangvien")
    open_menu(page)
    page.click("header >> text=Lịch sinh hoạt của tôi")
    page.click(f"text={meeting.get_kind_display()}")
    panel = page.locator("#tai-lieu-cap-uy")
    panel.wait_for()
    assert "quán triệt Nghị quyết về chuyển đổi số" in panel.inner_text() and fits(page)

    panel.locator("text=Xem, tải tài liệu").click()
    page.wait_for_selector("h1:has-text('Tài liệu buổi sinh hoạt')")
    assert "Đảng bộ phường Ba Đình" in page.inner_text("#tai-lieu-cap-tren") and fits(page)
    page.click("#tai-lieu-cap-tren >> text=quán triệt Nghị quyết")
    page.wait_for_selector("text=Đề nghị các đồng chí đọc trước nội dung phần II.")
    assert fits(page)
    with page.expect_download() as info:
        page.click("text=Tải về: tai-lieu-sinh-hoat-thang-nay-chuyen-doi-so.pdf")
    download = info.value
    assert download.suggested_filename == "tai-lieu-sinh-hoat-thang-nay-chuyen-doi-so.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    opened = MaterialOpen.objects.get(material=material, user=cast.member_user)
    assert opened.count == 2

    # The ward's staff see, for the cell, who opened it.
    open_menu(page)
    page.click("button:has-text('Đăng xuất')")
    page.goto(f"{live_server.url}/tai-lieu/{material.pk}/da-mo/")
    login(page, "canbo")
    row = page.locator(f"#cb-{cast.cell.pk}")
    row.wait_for()
    assert "1/2" in row.inner_text() and fits(page)

    # Their publish form fits the phone too.
    page.goto(f"{live_server.url}/tai-lieu/to-chuc/{cast.ward.pk}/ban-hanh/")
    page.wait_for_selector("h1:has-text('Ban hành tài liệu')")
    assert fits(page)
