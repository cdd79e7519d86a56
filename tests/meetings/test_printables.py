"""Printable papers for cells whose members have no phone: invitation slips and a roll-call sheet."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from chibo.common.access import SYSTEM
from chibo.meetings.models import AbsenceReport
from chibo.members.models import PositionKind
from chibo.members.services import exemption_create, position_assign
from tests.factories import make_member
from tests.meetings.running_fixtures import *  # noqa: F403
from tests.meetings.running_fixtures import opened, planned

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers_meeting(cast, run_rules):
    position_assign(
        member=cast.secretary,
        cell=cast.cell,
        kind=PositionKind.SECRETARY,
        valid_from=dt.date(2022, 1, 1),
        by=SYSTEM,
    )
    exempted = make_member(cast.cell, full_name="Ngô Thị Miễn")
    exemption_create(member=exempted, valid_from=dt.date(2024, 1, 1), reason="Tuổi cao", by=SYSTEM)
    meeting = planned(cast, run_rules, place="Nhà văn hóa tổ 1", topic="Triển khai nghị quyết quý I")
    AbsenceReport.objects.create(meeting=meeting, member=cast.member, reason="Đi viện")
    return meeting


def test_invitation_slips_name_each_member_with_time_place_and_content(cast, papers_meeting, as_user):
    page = as_user(cast.leader_user).get(reverse("meetings:print_invitations", args=[papers_meeting.pk]))
    text = page.text
    # A4 layout from the print style sheet (a static file: the CSP refuses inline styles).
    assert page.status_code == 200 and "css/print.css" in text
    assert "@page { size: A4" in Path(finders.find("css/print.css")).read_text(encoding="utf-8")
    assert text.count('<h2 class="slip-title">Giấy mời sinh hoạt chi bộ</h2>') == 3  # one slip per member
    for name in ("Trần Thị Bình", "Lê Văn An", "Ngô Thị Miễn"):
        assert f"Kính gửi đồng chí: <strong>{name}</strong>" in text
    assert "19:30" in text and "05/03/2025" in text and "Nhà văn hóa tổ 1" in text
    assert "Triển khai nghị quyết quý I" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "CHI BỘ TỔ DÂN PHỐ SỐ 1" in text  # upper-cased with its diacritics


def test_the_roll_call_sheet_has_a_signature_column_and_the_roster_notes(cast, papers_meeting, as_user):
    text = as_user(cast.leader_user).get(reverse("meetings:print_roll_call", args=[papers_meeting.pk])).text
    assert "<th>Ký tên</th>" in text and text.count('class="sig"') == 3 + 3  # 3 members + 3 spare lines
    assert "Miễn sinh hoạt." in text and "Báo vắng: Đi viện" in text
    assert text.index("Lê Văn An") < text.index("Trần Thị Bình")  # Vietnamese order: An before Bình


def test_once_open_the_sheet_follows_the_stored_roll_call(cast, run_rules, as_user):
    meeting = opened(cast, run_rules)
    make_member(cast.cell, full_name="Mai Văn Sau")  # added after the roll call was made
    text = as_user(cast.leader_user).get(reverse("meetings:print_roll_call", args=[meeting.pk])).text
    assert "Lê Văn An" in text and "Mai Văn Sau" not in text


def test_papers_are_for_the_cell_leaders_only(cast, papers_meeting, as_user):
    for user, expected in ((cast.member_user, 403), (cast.sibling_leader, 404), (cast.outsider, 404)):
        for name in ("print_invitations", "print_roll_call"):
            assert (
                as_user(user).get(reverse(f"meetings:{name}", args=[papers_meeting.pk])).status_code
                == expected
            )
