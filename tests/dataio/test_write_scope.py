"""The importer's write scope is the members policy's: for every user and every member of a varied
dataset, a row changing the member is accepted by the import exactly when the web would let the user
edit the member (members.access `member.can_edit`)."""

import datetime as dt

import pytest

from chibo.common.access import SYSTEM
from chibo.common.dates import today
from chibo.members.access import can_write_member
from chibo.members.models import LeaveReason, MembershipKind
from chibo.members.services import exemption_create, member_leave, member_transfer, membership_open
from tests.dataio.helpers import run_csv
from tests.factories import make_member

pytestmark = pytest.mark.django_db
DENIED = "Bạn không có quyền sửa dữ liệu của đảng viên"
UNKNOWN = "Không tìm thấy đảng viên có số thẻ"


@pytest.fixture
def crowd(cast):
    """Members whose writers differ: current, transferred, gone, future, guest, exempt."""
    day = today()
    people = {
        "here": make_member(cast.cell, full_name="Ở Chi Bộ Một"),
        "cell2": make_member(cast.cell2, full_name="Ở Chi Bộ Hai"),
        "sibling": make_member(cast.other_cell, full_name="Ở Phường Khác"),
        "moved_in": make_member(cast.other_cell, full_name="Chuyển Đến"),
        "moved_out": make_member(cast.cell, full_name="Chuyển Đi"),
        "moves_today": make_member(cast.cell, full_name="Chuyển Hôm Nay"),
        "gone": make_member(cast.cell, full_name="Đã Ra Đi"),
        "guest": make_member(cast.other_cell, full_name="Sinh Hoạt Tạm Thời"),
        "future": make_member(cast.other_cell, full_name="Sắp Đến"),
        "exempt": make_member(cast.cell, full_name="Được Miễn"),
    }
    member_transfer(member=people["moved_in"], to_cell=cast.cell, on=day - dt.timedelta(days=20), by=SYSTEM)
    member_transfer(member=people["moved_out"], to_cell=cast.other_cell, on=day - dt.timedelta(days=20), by=SYSTEM)
    member_transfer(member=people["moves_today"], to_cell=cast.cell2, on=day, by=SYSTEM)
    member_leave(member=people["gone"], on=day - dt.timedelta(days=3), reason=LeaveReason.VOLUNTARY, by=SYSTEM)
    membership_open(
        member=people["guest"],
        cell=cast.cell,
        kind=MembershipKind.TEMPORARY,
        valid_from=day - dt.timedelta(days=5),
        valid_until=day + dt.timedelta(days=120),
        by=SYSTEM,
    )
    member_transfer(member=people["future"], to_cell=cast.cell, on=day + dt.timedelta(days=10), by=SYSTEM)
    exemption_create(member=people["exempt"], valid_from=day - dt.timedelta(days=30), reason="Tuổi cao", by=SYSTEM)
    return people


def _import_refuses(user, member) -> bool:
    row = [member.card_number, "01/01/2024", "", "Sức khỏe yếu", ""]
    result = run_csv("exemptions", [row], user=user, dry_run=True)
    # A member the user may not even read is answered as an unknown card (nothing about them is told).
    refused = any(DENIED in e.message or UNKNOWN in e.message for e in result.errors)
    assert refused or not any(e.column == "Số thẻ đảng viên" for e in result.errors)
    return refused


def test_the_import_and_the_web_agree_on_who_may_change_whom(cast, crowd):
    users = [
        cast.leader_user,
        cast.member_user,
        cast.staff,
        cast.supervisor,
        cast.outsider,
        cast.sibling_leader,
    ]
    checked = 0
    for user in users:
        for name, member in crowd.items():
            web = can_write_member(user, member)
            assert _import_refuses(user, member) is not web, (user.username, name, web)
            checked += 1
    assert checked == 60
    # The dataset is varied enough that both answers occur for the cell leader.
    leader = {n: can_write_member(cast.leader_user, m) for n, m in crowd.items()}
    assert leader["here"] and leader["moved_in"] and leader["guest"] and not leader["gone"]
    assert not leader["moved_out"] and not leader["future"] and not leader["moves_today"]
