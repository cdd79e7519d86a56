"""On a 360 px phone: the ward's staff opens the Đề án 11 dashboard from the menu, reads the indicators
and the trend chart, taps a cell in the child table and lands on the cell's dashboard; no page is wider
than the screen."""

import datetime as dt

import pytest

from tests.browser.measure import open_menu
from tests.reporting.clock import fix_today
from tests.reporting.scenario import build
from tests.reporting.test_month_in_progress import june  # noqa: F401  (fixture)
from tests.resolutions.conftest import task_rules  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-123"


def login(page, username):
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_ward_staff_reads_the_dashboard_on_a_phone_and_drills_down_to_a_cell(
    live_server,
    phone,
    cast,
    task_rules,  # noqa: F811
    monkeypatch,
):
    fix_today(monkeypatch, dt.date(2025, 4, 15))  # March 2025's trend is built, whatever the real date
    build(cast, task_rules)
    page = phone
    page.goto(f"{live_server.url}/dang-nhap/")
    login(page, "canbo")
    open_menu(page)
    page.click("header >> text=Chỉ tiêu Đề án 11")
    page.wait_for_selector("#chi-tieu")
    assert "Đảng bộ phường Ba Đình" in page.inner_text("h1") and fits(page)

    # March 2025, the hand-built month: the period is typed in the address, as a link would carry it.
    page.goto(page.url.split("?")[0] + "?ky=2025-03")
    page.wait_for_selector("#ky:has-text('tháng 3/2025')")
    attendance = page.inner_text("#ct-attendance_rate")
    assert "83,3%" in attendance and "10/12 lượt" in attendance and "Gần đạt" in attendance
    assert "Chưa đạt" in page.inner_text("#ct-regular_meeting_rate")
    assert fits(page)

    # The chart is drawn inside the screen, with twelve months.
    chart = page.locator("svg.chart")
    box = chart.bounding_box()
    assert box is not None and box["width"] <= 360 and box["x"] >= 0
    assert chart.locator("circle").count() == 12
    page.select_option("#id_chi_tieu", "regular_meeting_rate")
    page.click(".chart-pick button[type=submit]")
    page.wait_for_url("**chi_tieu=regular_meeting_rate**")
    assert page.locator("svg.chart circle.pt:not(.empty)").count() == 12
    assert "tháng 3/2025" in page.inner_text("#ky") and fits(page)

    # Sort the cells by attendance, then tap the first cell.
    page.click("#truc-thuoc thead >> text=Dự họp")
    page.wait_for_url("**sap_xep=attendance_rate**")
    first = page.locator("#truc-thuoc tbody th a").first
    assert first.inner_text() == "Chi bộ Tổ dân phố số 1"  # 7/9 is the lowest
    assert fits(page)
    first.tap()
    page.wait_for_selector("#so-lieu")
    assert "Chi bộ Tổ dân phố số 1" in page.inner_text("h1")
    assert "7/9 lượt" in page.inner_text("#ct-attendance_rate")
    assert page.locator("#truc-thuoc").count() == 0
    assert fits(page)


def test_the_month_in_progress_on_a_phone(live_server, phone, cast, june):  # noqa: F811
    """Today 15/06/2025 (tests/reporting/test_month_in_progress.py): what is held and what is scheduled,
    the cell scheduled on 20/06 not shown as failing, the quarter's cell-months."""
    page = phone
    page.goto(f"{live_server.url}/dang-nhap/")
    login(page, "canbo")
    open_menu(page)
    page.click("header >> text=Chỉ tiêu Đề án 11")
    page.wait_for_selector("#tien-do")
    assert "tháng 6/2025" in page.inner_text("#ky")
    assert "2 chi bộ đã họp · 2 chi bộ đã lên lịch" in page.inner_text("#tien-do") and fits(page)
    scheduled = page.locator("#truc-thuoc tbody tr", has_text="Chi bộ Tổ dân phố số 6").locator("td").first
    assert scheduled.get_attribute("class") == "st-pending" and "Đã lên lịch" in scheduled.inner_text()
    page.click(".period-nav .kinds >> text=Quý")
    page.wait_for_url("**ky=2025-Q2**")
    assert "2/18 lượt chi bộ-tháng" in page.inner_text("#ct-regular_meeting_rate") and fits(page)
