"""On a 360 px phone: the leader of the cell a member left opens the member's record and reads the
history with the cell, a line saying why nothing else is shown, and none of the member's present data."""

import datetime as dt
import os

import pytest

from chibo.common.access import SYSTEM
from chibo.members.models import Member
from chibo.members.services import member_transfer
from tests.factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_old_cells_leader_reads_the_history_only(live_server, phone, cast):
    person = make_member(cast.cell, full_name="Lê Thị Chuyển Đi", joined_on=dt.date(2020, 1, 1))
    Member.objects.filter(pk=person.pk).update(citizen_id="012345678901", phone="0912345678")
    member_transfer(member=person, to_cell=cast.other_cell, on=dt.date(2024, 1, 1), by=SYSTEM)
    phone.goto(f"{live_server.url}/dang-nhap/")
    phone.fill("#id_username", "bithu")
    phone.fill("#id_password", "matkhau-thu-123")
    phone.click("button[type=submit]")
    phone.goto(f"{live_server.url}/dang-vien/{person.pk}/")
    text = phone.inner_text("main")
    assert "Lê Thị Chuyển Đi" in text and cast.cell.name in text and "từ 01/01/2020 đến 01/01/2024" in text
    assert "không còn sinh hoạt trong tổ chức của bạn" in text
    assert "012345678901" not in text and "0912345678" not in text and cast.other_cell.name not in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    if os.environ.get("CHIBO_SCREENSHOTS"):
        phone.screenshot(
            path=os.path.join(os.environ["CHIBO_SCREENSHOTS"], "former-member.png"), full_page=True
        )
