"""On a 360 px phone the child table of the dashboard stays readable: scrolled sideways and down inside
its box, the column headings and the units' names stay in view; every tap target is at least 44 px."""

import pytest

from tests.browser.measure import shot, small_targets
from tests.factories import make_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-123"


def test_the_child_table_keeps_its_headings_and_names_in_view(live_server, phone, cast):
    for n in range(3, 21):  # a ward of 20 cells: a page of the table is taller than the screen
        make_org(f"Chi bộ Tổ dân phố số {n}", parent=cast.ward, cell_kind="residential")
    page = phone
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "canbo")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/chi-tieu/{cast.ward.pk}/")
    page.wait_for_selector("#truc-thuoc")
    shot(page, "dashboard-top")
    assert small_targets(page, 44) == [], "\n".join(small_targets(page, 44))

    box = page.locator("#truc-thuoc .table-wrap")
    box.scroll_into_view_if_needed()
    frame = box.bounding_box()
    assert frame is not None and frame["x"] >= 0 and frame["x"] + frame["width"] <= 360
    # Scrolled sideways to the last column and down to the last row, inside the box.
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; el.scrollTop = el.scrollHeight; }")
    assert box.evaluate("el => el.scrollLeft") > 0 and box.evaluate("el => el.scrollTop") > 0
    frame = box.bounding_box()
    shot(page, "dashboard-table-scrolled")

    def inside(el):
        b = el.bounding_box()
        return (
            b is not None
            and b["y"] >= frame["y"] - 1
            and b["y"] + b["height"] <= frame["y"] + frame["height"] + 1
            and b["x"] >= frame["x"] - 1
            and b["x"] + b["width"] <= frame["x"] + frame["width"] + 1
        )

    # The heading row stays at the top of the box (the first and the last heading), the names at its left.
    first_head = page.locator("#truc-thuoc thead th").first
    last_head = page.locator("#truc-thuoc thead th").last
    last_name = page.locator("#truc-thuoc tbody th").last
    assert inside(first_head) and inside(last_head) and inside(last_name)
    assert abs(first_head.bounding_box()["y"] - frame["y"]) <= 2
    assert abs(last_name.bounding_box()["x"] - frame["x"]) <= 2
    # The first row went up out of the box: the headings above are the sticky ones, not the table's top.
    first_row = page.locator("#truc-thuoc tbody tr").first.bounding_box()
    assert first_row is not None and first_row["y"] + first_row["height"] < frame["y"]
    # The last heading is not hidden under the sticky name column.
    assert last_head.bounding_box()["x"] >= first_head.bounding_box()["x"] + first_head.bounding_box()["width"] - 1
    assert small_targets(page, 44) == []
