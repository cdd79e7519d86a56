"""Facts stay exact after writes: services mark (cell, month) stale, refresh_stale recomputes, and the
result always equals a fresh computation from the base tables."""

import datetime as dt

import pytest
from django.core.management import call_command

from chibo.common.access import SYSTEM
from chibo.members.models import WorkStatus
from chibo.members.services import member_transfer, member_update
from chibo.orgs.services import org_move, org_update
from chibo.reporting import engine, facts, periods
from chibo.reporting.models import CellMonthFact, FactMonth, OrgMonthFact, StaleCellMonth
from chibo.resolutions.services import task_assign
from tests.reporting.scenario import EXPECTED_BD, MARCH, build
from tests.resolutions.conftest import task_rules  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
Q1 = [dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)]


def pairs(result):
    return {key: (ind.numerator, ind.denominator) for key, ind in result.items()}


@pytest.fixture
def built(cast, task_rules):  # noqa: F811
    build(cast, task_rules)
    for month in Q1:
        facts.rebuild_month(month)


def assert_facts_exact(*orgs):
    for org in orgs:
        org.refresh_from_db()  # a move rewrote paths
        for month in Q1:
            period = periods.month(month.year, month.month)
            assert pairs(engine.from_facts(org, period)) == pairs(engine.compute(org, period)), (
                org.code,
                month,
            )


def test_a_task_given_after_the_rebuild_shows_after_a_refresh(cast, built):
    from chibo.meetings.models import Meeting

    second = Meeting.objects.get(cell=cast.cell, scheduled_at__day=20, scheduled_at__month=3)
    task_assign(
        meeting=second,
        members=[cast.member],
        text="Rà soát hộ nghèo",
        due_on=dt.date(2025, 3, 31),
        by=cast.staff,
    )
    assert StaleCellMonth.objects.filter(cell_id=cast.cell.pk, month=MARCH).exists()
    before = pairs(engine.from_facts(cast.ward, periods.month(2025, 3)))
    assert before["task_coverage_rate"] == EXPECTED_BD["task_coverage_rate"]  # not yet refreshed
    assert facts.refresh_stale() >= 1
    assert pairs(engine.from_facts(cast.ward, periods.month(2025, 3)))["task_coverage_rate"] == (3, 7)
    assert not StaleCellMonth.objects.exists()
    assert_facts_exact(cast.ward, cast.city, cast.cell)


def test_marks_widen_to_the_quarter_and_skip_months_never_built(cast, built):
    from chibo.common.signals import cells_changed

    StaleCellMonth.objects.all().delete()
    cells_changed([cast.cell2.pk], dt.date(2025, 1, 10))
    assert sorted(StaleCellMonth.objects.values_list("month", flat=True)) == Q1  # January moves the quarter
    StaleCellMonth.objects.all().delete()
    cells_changed([cast.cell2.pk], dt.date(2024, 6, 1))  # never built: the rebuild will compute it
    assert not StaleCellMonth.objects.exists()


def test_transfer_retirement_dissolution_and_a_move_all_refresh_exactly(cast, built):
    member_transfer(member=cast.member, to_cell=cast.cell2, on=dt.date(2025, 3, 25), by=SYSTEM)
    member_update(member=cast.secretary, work_status=WorkStatus.RETIRED, by=SYSTEM)  # undated: the current month only
    org_update(org=cast.cell2, dissolved_on=dt.date(2025, 2, 10), by=SYSTEM)
    org_move(org=cast.cell, new_parent=cast.ward2, on=dt.date(2025, 4, 1), by=SYSTEM)
    facts.refresh_stale()
    assert_facts_exact(cast.ward, cast.ward2, cast.city, cast.cell)
    assert not OrgMonthFact.objects.filter(org=cast.cell2, month=MARCH, cells__gt=0).exists()
    assert pairs(engine.from_facts(cast.ward2, periods.month(2025, 3)))["regular_meeting_rate"] == (2, 2)


def test_rebuild_command_equals_refreshes(cast, built):
    first = sorted(
        CellMonthFact.objects.filter(month=MARCH).values_list(
            "cell_id", "present", "required", "task_covered"
        )
    )
    call_command("facts", "rebuild", "--month", "2025-03", stdout=open("/dev/null", "w"))
    assert (
        sorted(
            CellMonthFact.objects.filter(month=MARCH).values_list(
                "cell_id", "present", "required", "task_covered"
            )
        )
        == first
    )
    assert FactMonth.objects.get(month=MARCH).rebuilt_at is not None


def test_ensure_fresh_builds_a_missing_month(cast, task_rules):  # noqa: F811
    build(cast, task_rules)
    period = periods.month(2025, 3)
    engine.ensure_fresh(cast.ward, period)
    assert pairs(engine.from_facts(cast.ward, period)) == EXPECTED_BD


def test_quarter_and_year_sum_months_and_read_thematic_at_quarter_end(cast, built):
    quarter = pairs(engine.compute(cast.ward, periods.quarter(2025, 1)))
    months = [pairs(engine.compute(cast.ward, periods.month(2025, m))) for m in (1, 2, 3)]
    assert quarter["attendance_rate"] == tuple(sum(m["attendance_rate"][i] for m in months) for i in (0, 1))
    assert quarter["thematic_meeting_rate"] == months[2]["thematic_meeting_rate"]  # read in March
    assert pairs(engine.from_facts(cast.ward, periods.quarter(2025, 1))) == quarter


def test_an_import_marks_what_it_changed(cast, built):
    from chibo.dataio.services import import_data
    from tests.factories import make_member

    newcomer = make_member(None, full_name="Trịnh Văn Mới")
    StaleCellMonth.objects.all().delete()
    csv = (
        f"Số thẻ đảng viên,Mã chi bộ,Hình thức,Từ ngày\n{newcomer.card_number},BD-02,chính thức,10/03/2025\n"
    )
    result = import_data(data=csv.encode(), filename="sinhhoat.csv", kind="memberships", user=None)
    assert result.written, result.errors
    assert set(StaleCellMonth.objects.values_list("cell_id", flat=True)) == {cast.cell2.pk}
    facts.refresh_stale()
    assert_facts_exact(cast.ward, cast.city)
    bd = pairs(engine.from_facts(cast.ward, periods.month(2025, 3)))
    assert bd["task_coverage_rate"] == (2, 8)  # the newcomer is one more working member without a task


def test_a_mass_change_flags_whole_months_for_rebuild(cast, built, monkeypatch):
    from chibo.common.signals import cells_changed
    from chibo.reporting import staleness

    monkeypatch.setattr(staleness, "STALE_ROWS_MAX", 2)
    cells_changed([cast.cell.pk, cast.cell2.pk], dt.date(2025, 1, 5), dt.date(2025, 3, 31))
    assert set(FactMonth.objects.filter(rebuilt_at__isnull=True).values_list("month", flat=True)) == set(Q1)
    assert facts.rebuild_unbuilt() == 3
    assert not FactMonth.objects.filter(rebuilt_at__isnull=True).exists()
    assert_facts_exact(cast.ward)
