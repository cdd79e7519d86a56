import pytest

from tests.factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cell_leader_logs_in_on_a_phone_and_opens_the_cell_member_list(live_server, phone, cast):
    make_member(cast.cell, full_name="Nguyễn Thị Ánh Tuyết")
    page = phone

    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "bithu")
    page.fill("#id_password", "matkhau-thu-123")
    page.click("button[type=submit]")

    # The leader lands on their first screen, one tap from their own cell's record.
    page.click("section.next-meeting >> text=Hồ sơ chi bộ")
    page.wait_for_selector("h1:has-text('Chi bộ Tổ dân phố số 1')")
    page.click("text=Danh sách đảng viên")
    page.wait_for_selector("h1:has-text('Đảng viên')")
    body = page.inner_text("main")
    for name in ("Trần Thị Bình", "Lê Văn An", "Nguyễn Thị Ánh Tuyết"):
        assert name in body
    # The page fits the phone: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # No request left this machine.
    assert page.evaluate(
        "[...document.querySelectorAll('script[src],link[href]')].every(e => (e.src||e.href).startsWith(location.origin))"
    )
