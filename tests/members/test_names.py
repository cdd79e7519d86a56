import pytest

from chibo.common.collation import name_order, sort_key
from chibo.common.text import fold, sort_name
from chibo.members.models import Member
from chibo.members.selectors import search_members
from tests.factories import make_member, make_org

pytestmark = pytest.mark.django_db

GIVEN_IN_VIETNAMESE_ORDER = [
    "An",
    "Anh",
    "Ánh",
    "Ăn",
    "Ân",
    "Bình",
    "Chung",
    "Du",
    "Dũng",
    "Đạt",
    "Đức",
    "Yến",
]


def test_fold_removes_diacritics_and_d_stroke():
    assert fold("  Nguyễn   Văn ĐỨC ") == "nguyen van duc"
    assert fold("Hoàng Thị Ánh Tuyết") == "hoang thi anh tuyet"


def test_sort_name_puts_the_given_name_first():
    assert sort_name("Nguyễn Văn An") == "An Nguyễn Văn"
    assert sort_name("Lý") == "Lý"


def test_python_side_collation_follows_the_vietnamese_alphabet():
    shuffled = sorted(GIVEN_IN_VIETNAMESE_ORDER, reverse=True)
    assert sorted(shuffled, key=sort_key) == GIVEN_IN_VIETNAMESE_ORDER


def test_database_orders_by_given_name_with_vietnamese_collation():
    cell = make_org("Chi bộ", parent=make_org("Phường", kind="grassroots"))
    # Family names deliberately in reverse order, so a sort on the full name would give another order.
    for i, given in enumerate(reversed(GIVEN_IN_VIETNAMESE_ORDER)):
        make_member(cell, full_name=f"{'ABCDEFGHIKLM'[i]}ạch Văn {given}")
    ordered = list(Member.objects.order_by(*name_order()).values_list("full_name", flat=True))
    assert [n.split()[-1] for n in ordered] == GIVEN_IN_VIETNAMESE_ORDER


def test_search_without_diacritics_finds_the_accented_name():
    cell = make_org("Chi bộ", parent=make_org("Phường", kind="grassroots"))
    an = make_member(cell, full_name="Nguyễn Văn An")
    make_member(cell, full_name="Nguyễn Văn Bình")
    duc = make_member(cell, full_name="Đặng Minh Đức", card_number="77770001")
    assert list(search_members(Member.objects.all(), "nguyen van an")) == [an]
    assert list(search_members(Member.objects.all(), "dang minh duc")) == [duc]
    assert list(search_members(Member.objects.all(), "ĐẶNG MINH")) == [duc]
    assert list(search_members(Member.objects.all(), "77770001")) == [duc]
