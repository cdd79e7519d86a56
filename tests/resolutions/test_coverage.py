"""T5 coverage (DOMAIN §8 task_coverage_rate): who counts, who is a gap, who is counted apart."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chibo.common.access import SYSTEM
from chibo.members.models import MembershipKind, WorkStatus
from chibo.members.services import exemption_create, member_transfer, membership_open
from chibo.resolutions import rules
from chibo.resolutions.selectors import task_coverage
from chibo.resolutions.services import task_assign
from tests.factories import make_member
from tests.resolutions.conftest import hold_meeting, local, open_meeting

MARCH_END = dt.date(2025, 3, 31)


@pytest.fixture
def people(cast):
    p = {
        "retired": make_member(cast.cell, full_name="Phạm Văn Hưu", work_status=WorkStatus.RETIRED),
        "exempt": make_member(cast.cell, full_name="Đỗ Thị Miễn"),
        "probationary": make_member(
            cast.cell,
            full_name="Vũ Minh Dự",
            admitted_on=dt.date(2024, 9, 1),
            official_on=None,
            joined_on=dt.date(2024, 9, 1),
        ),
        "leaving": make_member(cast.cell, full_name="Hoàng Văn Đi"),
        "arriving": make_member(cast.cell2, full_name="Ngô Thị Đến"),
        "temporary": make_member(cast.other_cell, full_name="Bùi Văn Tạm"),
    }
    exemption_create(member=p["exempt"], valid_from=dt.date(2024, 1, 1), reason="Tuổi cao, sức yếu", by=SYSTEM)
    membership_open(
        member=p["temporary"],
        cell=cast.cell,
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2025, 7, 1),
        kind=MembershipKind.TEMPORARY,
        by=SYSTEM,
    )
    return p


def names(members):
    return sorted(m.full_name for m in members)


def test_coverage_with_retired_exempt_probationary_transferred_and_temporary(cast, task_rules, people):
    march = hold_meeting(cast, task_rules, local(2025, 3, 5, 19, 30))
    task_assign(
        meeting=march,
        members=[cast.secretary, people["probationary"], people["leaving"], people["retired"]],
        text="Vận động các hộ gia đình phân loại rác tại nguồn",
        due_on=dt.date(2025, 3, 28),
        by=cast.leader_user,
    )
    # Moves after the meeting: one leaves for cell2, one arrives from cell2 (with a task given there).
    member_transfer(member=people["leaving"], to_cell=cast.cell2, on=dt.date(2025, 3, 20), by=SYSTEM)
    member_transfer(member=people["arriving"], to_cell=cast.cell, on=dt.date(2025, 3, 15), by=SYSTEM)

    cov = task_coverage(cast.cell, MARCH_END)

    assert names(cov.covered) == ["Trần Thị Bình", "Vũ Minh Dự"]  # probationary members are working members
    # The newcomer and the member here on temporary activity are on the roster at month end without a task.
    assert names(cov.gaps) == ["Bùi Văn Tạm", "Lê Văn An", "Ngô Thị Đến"]
    assert names(cov.not_working) == ["Phạm Văn Hưu"]  # retired: apart, even with a task
    assert names(cov.exempt) == ["Đỗ Thị Miễn"]
    assert (cov.numerator, cov.denominator) == (2, 5)
    # The member who left is counted nowhere in this cell; the one on temporary activity not at home.
    home = task_coverage(cast.other_cell, MARCH_END)
    assert "Bùi Văn Tạm" not in names(home.covered + home.gaps)
    leaving_now = task_coverage(cast.cell2, MARCH_END)
    assert "Hoàng Văn Đi" in names(leaving_now.gaps)  # a task from the old cell does not count in the new one


def test_only_tasks_from_meetings_held_in_the_month_count(cast, task_rules, people):
    february = hold_meeting(cast, task_rules, local(2025, 2, 5, 19, 30))
    task_assign(
        meeting=february,
        members=[cast.member],
        text="Nắm tình hình dư luận",
        due_on=dt.date(2025, 3, 20),
        by=cast.leader_user,
    )
    assert cast.member not in task_coverage(cast.cell, MARCH_END).covered
    assert cast.member in task_coverage(cast.cell, dt.date(2025, 2, 28)).covered


def test_panel_counts_the_meeting_now_running_but_the_indicator_only_held_ones(cast, task_rules):
    running = open_meeting(cast, task_rules, local(2025, 3, 5, 19, 30))
    task_assign(
        meeting=running,
        members=[cast.member],
        text="Kèm cặp quần chúng ưu tú",
        due_on=dt.date(2025, 4, 1),
        by=cast.leader_user,
    )
    assert cast.member in task_coverage(cast.cell, dt.date(2025, 3, 5), include_open=True).covered
    assert cast.member in task_coverage(cast.cell, MARCH_END).gaps


def test_a_thematic_conclusion_counts_too(cast, task_rules):
    from chibo.meetings.models import MeetingKind

    thematic = hold_meeting(cast, task_rules, local(2025, 3, 20, 19, 30), kind=MeetingKind.THEMATIC)
    task_assign(
        meeting=thematic,
        members=[cast.member],
        text="Học tập chuyên đề",
        due_on=dt.date(2025, 4, 1),
        by=cast.leader_user,
    )
    assert cast.member in task_coverage(cast.cell, MARCH_END).covered


def test_cancelled_or_planned_meetings_take_no_tasks(cast, task_rules, next_meeting):
    with pytest.raises(ValidationError, match="đang họp hoặc đã họp"):
        task_assign(
            meeting=next_meeting,
            members=[cast.member],
            text="Việc",
            due_on=dt.date(2025, 4, 30),
            by=cast.leader_user,
        )


def test_classify_coverage_is_pure():
    class M:
        def __init__(self, pk, work, exempt):
            self.pk, self.work_status, self.is_exempt = pk, work, exempt

    roster = [
        M(1, WorkStatus.WORKING, False),
        M(2, WorkStatus.RETIRED, False),
        M(3, WorkStatus.RETIRED, True),
        M(4, WorkStatus.WORKING, False),
        M(5, WorkStatus.OTHER, False),
    ]
    cov = rules.classify_coverage(roster, [1, 2])
    assert [m.pk for m in cov.covered] == [1]
    assert [m.pk for m in cov.gaps] == [4]
    assert [m.pk for m in cov.not_working] == [2, 5]
    assert [m.pk for m in cov.exempt] == [3]  # exemption wins over retirement
    assert (cov.numerator, cov.denominator) == (1, 2)
