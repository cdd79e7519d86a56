"""On a 360 × 780 phone, a searchable picker: typing part of a name without accents offers the member, the
keyboard picks it (arrow down, Enter), and the form saves that member."""

import pytest

from chibo.members.models import Position, PositionKind
from tests.browser.measure import fits, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-123"


def test_the_secretary_picks_a_member_by_typing_without_accents(live_server, phone, cast):
    page = phone
    page.goto(live_server.url + "/dang-nhap/")
    page.fill("#id_username", "bithu")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/dang-vien/to-chuc/{cast.cell.pk}/chi-uy/them/")
    box = page.locator("input.picker-input")
    assert box.is_visible() and not page.locator("select#id_member").is_visible()
    box.fill("le van")
    page.wait_for_selector("[role=option]:has-text('Lê Văn An')")
    assert page.locator("[role=option]").count() == 1  # Trần Thị Bình does not match
    shot(page, "picker-member")
    assert fits(page)
    box.press("ArrowDown")
    box.press("Enter")
    assert page.locator("select#id_member").input_value() == str(cast.member.pk)
    page.select_option("#id_kind", PositionKind.SECRETARY)
    page.fill("#id_valid_from", "01/01/2025")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "has-error" not in page.content(), page.inner_text("main")
    position = Position.objects.get(cell=cast.cell, kind=PositionKind.SECRETARY)
    assert position.member == cast.member
