import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chibo.common.access import SYSTEM
from chibo.members.models import PositionKind
from chibo.members.services import position_assign, position_end
from tests.factories import make_member, make_org

pytestmark = pytest.mark.django_db
D = dt.date
START = D(2025, 1, 1)


def cell_with(n_official: int, n_probationary: int = 0):
    cell = make_org("Chi bộ", parent=make_org("Phường", kind="grassroots"))
    officials = [make_member(cell) for _ in range(n_official)]
    probationary = [
        make_member(cell, admitted_on=D(2024, 10, 1), official_on=None) for _ in range(n_probationary)
    ]
    return cell, officials, probationary


def assign(member, cell, kind, start=START, **kw):
    return position_assign(member=member, cell=cell, kind=kind, valid_from=start, **kw, by=SYSTEM)


def test_one_secretary_at_a_time_but_a_successor_after_the_term():
    cell, (a, b, c), _ = cell_with(3)
    first = assign(a, cell, PositionKind.SECRETARY)
    with pytest.raises(ValidationError, match="mỗi lúc chỉ có một bí thư"):
        assign(b, cell, PositionKind.SECRETARY, D(2025, 6, 1))
    position_end(position=first, on=D(2025, 6, 1), by=SYSTEM)
    assert assign(b, cell, PositionKind.SECRETARY, D(2025, 6, 1)).member == b


def test_at_most_one_deputy():
    cell, (a, b, c), _ = cell_with(3)
    assign(a, cell, PositionKind.DEPUTY)
    with pytest.raises(ValidationError, match="phó bí thư"):
        assign(b, cell, PositionKind.DEPUTY)


def test_committee_only_in_cells_with_nine_official_members():
    cell, officials, probationary = cell_with(8, n_probationary=3)  # 11 people, 8 official
    with pytest.raises(ValidationError, match="từ 9 đảng viên chính thức"):
        assign(officials[0], cell, PositionKind.COMMITTEE)
    big, officials9, _ = cell_with(9)
    assert assign(officials9[0], big, PositionKind.COMMITTEE).kind == PositionKind.COMMITTEE


def test_committee_of_at_most_seven():
    cell, officials, _ = cell_with(10)
    assign(officials[0], cell, PositionKind.SECRETARY)
    assign(officials[1], cell, PositionKind.DEPUTY)
    for m in officials[2:7]:
        assign(m, cell, PositionKind.COMMITTEE)
    with pytest.raises(ValidationError, match="tối đa 7"):
        assign(officials[7], cell, PositionKind.COMMITTEE)


def test_probationary_member_or_member_of_another_cell_cannot_hold_a_position():
    cell, officials, probationary = cell_with(3, n_probationary=1)
    with pytest.raises(ValidationError, match="chưa là đảng viên chính thức"):
        assign(probationary[0], cell, PositionKind.SECRETARY)
    other, others, _ = cell_with(3)
    with pytest.raises(ValidationError, match="không sinh hoạt chính thức"):
        assign(others[0], cell, PositionKind.SECRETARY)


def test_one_person_holds_one_position_at_a_time():
    cell, officials, _ = cell_with(3)
    assign(officials[0], cell, PositionKind.SECRETARY)
    with pytest.raises(ValidationError, match="chức vụ khác"):
        assign(officials[0], cell, PositionKind.DEPUTY)


def test_official_date_comes_only_after_twelve_months_of_probation():
    from chibo.members.services import member_update

    cell, (member, *_), _ = cell_with(3)
    with pytest.raises(ValidationError, match=r"hết 12 tháng dự bị \(01/01/2011\)"):
        member_update(member=member, official_on=D(2010, 6, 1), by=SYSTEM)
    with pytest.raises(ValidationError, match="Ngày vào Đảng phải sau ngày sinh"):
        member_update(member=member, birth_date=D(2012, 1, 1), by=SYSTEM)
