"""What to fix counts in the database and fetches only the page shown (issue 14 §1).

Twins: for every list, organisation and period of a varied dataset (the March 2025 scenario with extra
cells, and the month in progress), the count equals the length of the list computed in full as before
(fixes_reference.py) and the pages, put end to end, give that list row for row. Then a page reads the
same number of queries, and the overview builds the same number of rows, whatever the data's size."""

import datetime as dt
from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo.common.access import SYSTEM
from chibo.meetings.models import AttendanceStatus
from chibo.members.models import PositionKind, TrainingKind
from chibo.members.services import position_assign, training_record_create
from chibo.reporting import facts, fixes, periods
from chibo.reporting.views import fixes as fix_views
from tests.factories import make_member, make_org
from tests.meetings.scoring_data import held_meeting, local, roll
from tests.reporting import fixes_reference as reference
from tests.reporting.test_fixes import M, _add_cells, rules, scenario  # noqa: F401  (fixtures)
from tests.reporting.test_month_in_progress import june  # noqa: F401  (fixture)
from tests.resolutions.conftest import task_rules  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
MARCH = dt.date(2025, 3, 1)

FULL = {
    "chua-sinh-hoat": reference.cells_without_regular_meeting,
    "du-hop-duoi-90": reference.cells_below_attendance,
    "thieu-buoc-tai-lieu": reference.meetings_missing_steps_or_materials,
    "chua-giao-nhiem-vu": reference.members_without_task,
    "chua-boi-duong": reference.untrained_leaders,
    "bien-ban-tre-han": reference.late_minutes,
    "xoa-ten": reference.removal_risks,
}


def _paged(fix, org, period, size):
    listing = fix.listing(org, period)
    total = listing.count()
    rows = []
    for start in range(0, total + size, size):  # one page past the end: empty
        rows.extend(listing[start : start + size])
    return total, rows


def _assert_twins(orgs, period_list):
    seen = {}
    for org in orgs:
        for period in period_list:
            for code, fix in fixes.LISTS.items():
                full = FULL[code](org, period)
                total, rows = _paged(fix, org, period, size=2)
                assert total == len(full), (code, org.code, period.code)
                assert rows == full, (code, org.code, period.code)
                assert fix.build(org, period) == full, (code, org.code, period.code)
                seen[code] = max(seen.get(code, 0), total)
    return seen


def _more_variety(cast, rule_sets):
    """Extra cells (leaders, absences, late minutes), a deputy and a committee member untrained in the
    same cell, one trained leader, and a leader whose position ends in March."""
    _add_cells(cast, rule_sets, 5)
    cell = make_org("Chi bộ đa dạng", parent=cast.ward, code="BD-V1", founded_on=dt.date(2020, 1, 1))
    names = ("Lê Thị Ánh", "Lê Văn An", "Trần Bình", "Phạm Văn Ân", *(f"Hoàng Văn Đủ {i}" for i in range(5)))
    people = [make_member(cell, full_name=name) for name in names]  # 9: a committee may be elected
    for person, kind, start, end in (
        (people[0], PositionKind.SECRETARY, dt.date(2024, 1, 1), None),
        (people[1], PositionKind.DEPUTY, dt.date(2024, 1, 1), None),
        (people[2], PositionKind.COMMITTEE, dt.date(2024, 1, 1), dt.date(2025, 3, 20)),
        (people[3], PositionKind.COMMITTEE, dt.date(2025, 2, 1), None),
    ):
        position_assign(member=person, cell=cell, kind=kind, valid_from=start, valid_until=end, by=SYSTEM)
    training_record_create(
        member=people[0],
        course_title="Nghiệp vụ công tác Đảng",
        kind=TrainingKind.PARTY_WORK,
        started_on=dt.date(2024, 6, 1),
        ended_on=dt.date(2024, 6, 5),
        completed=True,
        by=SYSTEM,
    )
    # Two members absent without reason in January, February and March: cases for removal.
    for month in (1, 2, 3):
        meeting = held_meeting(cell, rule_sets, start=local(2025, month, 10, 19, 30))
        for person in people:
            absent = person in people[5:7] or (month == 2 and person is people[7])
            roll(meeting, person, AttendanceStatus.UNEXCUSED if absent else AttendanceStatus.PRESENT)
    for month in (dt.date(2025, 1, 1), dt.date(2025, 2, 1), MARCH):
        facts.rebuild_month(month)


def test_counts_and_pages_equal_the_full_lists(cast, scenario, rules):  # noqa: F811
    _more_variety(cast, rules)
    orgs = [cast.city, cast.ward, cast.cell, cast.ward2]
    seen = _assert_twins(orgs, [M, periods.quarter(2025, 1), periods.year(2025), periods.month(2025, 2)])
    # Every list has rows somewhere, most more than one page.
    assert all(seen.values()), seen
    assert sum(n > 2 for n in seen.values()) >= 5, seen


def test_in_the_month_in_progress_too(cast, june, monkeypatch):  # noqa: F811
    from tests.reporting.clock import fix_today

    june_period = periods.month(2025, 6)
    seen = _assert_twins([cast.ward, cast.city], [june_period, periods.quarter(2025, 2)])
    assert seen["chua-sinh-hoat"] and seen["chua-giao-nhiem-vu"]
    fix_today(monkeypatch, dt.date(2025, 6, 17))  # a meeting missed, minutes past due
    seen = _assert_twins([cast.ward], [june_period])
    assert seen["bien-ban-tre-han"] == 1


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_a_page_reads_the_same_whatever_the_size(client, cast, scenario, rules, monkeypatch):  # noqa: F811
    built = []  # the number of keys each list turned into rows

    def counting(real):
        return lambda org, period, keys: built.append(len(keys)) or real(org, period, keys)

    for code, fix in list(fixes.LISTS.items()):
        monkeypatch.setitem(fixes.LISTS, code, replace(fix, rows=counting(fix.rows)))
    monkeypatch.setattr(fix_views, "SHOWN", 3)
    monkeypatch.setattr(fix_views, "PER_PAGE", 3)
    monkeypatch.setattr(fix_views, "FEW_CELLS", 1000)  # names of members without a task for the rows shown
    _more_variety(cast, rules)  # every list has rows: an empty one reads less
    client.force_login(cast.staff)
    overview = reverse("reporting:fixes", args=[cast.ward.pk]) + "?ky=2025-03"
    one_list = reverse("reporting:fix_list", args=[cast.ward.pk, "bien-ban-tre-han"]) + "?ky=2025-03&trang=2"
    client.get(overview)  # the session's bookkeeping, written once
    before = {url: _queries(lambda u=url: client.get(u)) for url in (overview, one_list)}
    _add_cells(cast, rules, 12, first=50)
    facts.rebuild_month(MARCH)
    assert len(fixes.late_minutes(cast.ward, M)) > 10 and len(fixes.untrained_leaders(cast.ward, M)) > 10
    built.clear()
    after = {url: _queries(lambda u=url: client.get(u)) for url in (overview, one_list)}
    assert after == before
    # No list builds more rows than one page holds, though several now hold many more.
    assert built and max(built) <= 3
    html = client.get(one_list).content.decode()
    assert "Trang 2/" in html and "Đang hiện" not in html
