"""What to fix (reporting/fixes.py and its pages) on the hand-built March 2025 of ward BD (scenario.py):
each list names exactly the cells, meetings and people behind the indicator's gap, with bounded
queries, scoped to the user's subtree."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo.common.access import SYSTEM
from chibo.meetings.models import AttendanceStatus, Meeting, MeetingKind
from chibo.members.models import Member, PositionKind, TrainingKind
from chibo.members.services import position_assign, training_record_create
from chibo.reporting import engine, facts, fixes, periods
from chibo.resolutions.selectors import task_coverage
from tests.factories import make_member, make_org
from tests.meetings.scoring_data import held_meeting, local, roll
from tests.reporting.scenario import EXPECTED_BD, MARCH, build, plain_member_user, run_facts_job
from tests.resolutions.conftest import task_rules  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
M = periods.month(2025, 3)
PASSWORD = "matkhau-thu-123"


@pytest.fixture
def rules(task_rules):  # noqa: F811
    return task_rules


@pytest.fixture
def scenario(cast, rules):
    orgs = build(cast, rules)
    facts.rebuild_month(MARCH)
    run_facts_job()
    return orgs


def gap(key):
    num, den = EXPECTED_BD[key]
    return den - num


def codes(rows):
    return [r.cell.code for r in rows]


# --- the lists --------------------------------------------------------------------------------------


def test_the_cell_without_a_regular_meeting_is_the_new_one(cast, scenario):
    rows = fixes.cells_without_regular_meeting(cast.ward, M)
    assert codes(rows) == ["BD-03"]
    assert rows[0].month == MARCH
    assert len(rows) == gap("regular_meeting_rate")
    assert fixes.cells_without_regular_meeting(cast.cell, M) == []


def test_bd01_is_below_90_percent_attendance(cast, scenario):
    [row] = fixes.cells_below_attendance(cast.ward, M)
    assert (row.cell, row.present, row.required) == (cast.cell, 7, 9)
    assert row.percent_text == "77,8%"


def test_meetings_missing_a_step_or_with_late_materials(cast, scenario):
    rows = fixes.meetings_missing_steps_or_materials(cast.ward, M)
    assert [(r.cell.code, r.held_at.date()) for r in rows] == [
        ("BD-02", dt.date(2025, 3, 10)),
        ("BD-01", dt.date(2025, 3, 20)),
    ]
    bd02, bd01 = rows
    assert len(bd02.missing_steps) == 1 and not bd02.materials_late
    assert bd01.missing_steps == () and bd01.materials_late
    assert bd01.materials_published_at.strftime("%d/%m/%Y %H:%M") == "20/03/2025 17:30"
    # BD-04 was dissolved before the month's end and HK-09 is elsewhere: neither appears
    assert {r.cell.code for r in fixes.meetings_missing_steps_or_materials(cast.city, M)} == {
        "BD-01",
        "BD-02",
    }


def test_materials_exactly_24_hours_before_are_on_time(cast, scenario):
    second = Meeting.objects.get(cell=cast.cell, started_at=local(2025, 3, 20, 19, 30))
    second.materials_published_at = local(2025, 3, 19, 19, 30)
    second.save(update_fields=["materials_published_at"])
    assert codes(fixes.meetings_missing_steps_or_materials(cast.ward, M)) == ["BD-02"]
    second.materials_published_at = local(2025, 3, 19, 19, 31)
    second.save(update_fields=["materials_published_at"])
    assert codes(fixes.meetings_missing_steps_or_materials(cast.ward, M)) == ["BD-02", "BD-01"]


def test_a_cell_dissolved_before_the_months_end_is_not_listed(cast, scenario):
    bd04 = scenario["BD-04"]
    meeting = Meeting.objects.get(cell=bd04)
    meeting.materials_published_at = None
    meeting.save(update_fields=["materials_published_at"])
    meeting.minutes.delete()
    assert bd04.code not in codes(fixes.meetings_missing_steps_or_materials(cast.ward, M))
    assert bd04.code not in codes(fixes.late_minutes(cast.ward, M))
    # in February it still counted, but its meeting was in March
    assert fixes.late_minutes(bd04, periods.month(2025, 2)) == []


def test_working_members_without_a_task(cast, scenario):
    rows = fixes.members_without_task(cast.ward, M)
    assert [(r.cell.code, r.without_task, r.counted) for r in rows] == [("BD-01", 1, 3), ("BD-02", 4, 4)]
    assert sum(r.without_task for r in rows) == gap("task_coverage_rate")
    assert all(r.members is None for r in rows)  # names only on demand
    named = fixes.with_member_names(rows)
    assert [m.full_name for m in named[0].members] == ["Lê Văn An"]
    assert sorted(m.full_name for m in named[1].members) == sorted(
        ["Cao Văn Một", "Cao Văn Hai", "Cao Văn Ba", "Hoàng Văn Đi"]
    )


def test_the_names_agree_with_the_cells_own_task_coverage(cast, scenario):
    named = fixes.with_member_names(fixes.members_without_task(cast.ward, M))
    for row in named:
        assert {m.pk for m in row.members} == {
            m.pk for m in task_coverage(row.cell, dt.date(2025, 3, 31)).gaps
        }


def test_the_deputy_trained_31_months_before_is_untrained(cast, scenario):
    [row] = fixes.untrained_leaders(cast.ward, M)
    assert (row.member, row.cell, row.positions) == (cast.member, cast.cell, ("Phó bí thư",))
    assert row.last_training == dt.date(2022, 8, 31)
    assert row.months == (MARCH,)
    assert len(fixes.untrained_leaders(cast.ward, M)) == gap("leader_training_rate")


def test_a_leader_never_trained_has_no_last_training_and_each_position_shows(cast, scenario):
    newcomer = make_member(cast.cell2, full_name="Vũ Thị Mới")
    position_assign(
        member=newcomer, cell=cast.cell2, kind=PositionKind.SECRETARY, valid_from=dt.date(2025, 1, 1), by=SYSTEM
    )
    training_record_create(
        member=newcomer,
        course_title="Lý luận chính trị",
        kind=TrainingKind.POLITICAL_THEORY,
        started_on=dt.date(2024, 5, 1),
        ended_on=dt.date(2024, 6, 1),
        completed=True,
        by=SYSTEM,
    )
    rows = fixes.untrained_leaders(cast.ward, M)
    assert [(r.cell.code, r.member.full_name, r.last_training) for r in rows] == [
        ("BD-01", "Lê Văn An", dt.date(2022, 8, 31)),
        ("BD-02", "Vũ Thị Mới", None),
    ]


def test_over_a_quarter_a_leader_lists_the_months_untrained(cast, scenario):
    # An's training ended 31/08/2022: valid 30 months, to the end of February 2025
    [row] = fixes.untrained_leaders(cast.ward, periods.quarter(2025, 1))
    assert row.months == (MARCH,)
    assert fixes.untrained_leaders(cast.ward, periods.month(2025, 2)) == []


def test_late_minutes(cast, scenario):
    rows = fixes.late_minutes(cast.ward, M)
    assert [(r.cell.code, r.held_at.date(), r.deadline, r.approved_on) for r in rows] == [
        ("BD-02", dt.date(2025, 3, 10), dt.date(2025, 3, 12), None),
        ("BD-01", dt.date(2025, 3, 20), dt.date(2025, 3, 22), dt.date(2025, 3, 25)),
    ]
    assert [r.status_text for r in rows] == ["chưa thông qua", "thông qua 25/03/2025, trễ 3 ngày"]
    assert len(rows) == gap("minutes_on_time_rate")


def _unexcused_in_january_and_february(cast, rule_set):
    huu = Member.objects.get(full_name="Phạm Văn Hưu")
    for month in (1, 2):
        meeting = held_meeting(cast.cell, rule_set, start=local(2025, month, 10, 19, 30))
        roll(meeting, huu, AttendanceStatus.UNEXCUSED)
    return huu


def test_a_removal_case_after_unexcused_absences_in_three_months(cast, scenario, rules):
    assert fixes.removal_risks(cast.ward, M) == []  # only March so far
    huu = _unexcused_in_january_and_february(cast, rules)
    [case] = fixes.removal_risks(cast.ward, M)
    assert (case.member, case.months) == (huu, (1, 2, 3))
    assert fixes.removal_risks(cast.ward2, M) == []


def test_a_quarter_covers_each_month(cast, scenario):
    facts.rebuild_month(dt.date(2025, 1, 1))
    facts.rebuild_month(dt.date(2025, 2, 1))
    rows = fixes.cells_without_regular_meeting(cast.ward, periods.quarter(2025, 1))
    # January and February: no regular meeting anywhere (BD-03 was not founded yet, BD-04 still counted)
    assert [(r.month.month, r.cell.code) for r in rows] == [
        (1, "BD-01"),
        (1, "BD-02"),
        (1, "BD-04"),
        (2, "BD-01"),
        (2, "BD-02"),
        (2, "BD-04"),
        (3, "BD-03"),
    ]


def test_every_list_matches_the_indicator_gap_for_the_month(cast, scenario):
    result = engine.from_facts(cast.ward, M)
    lists = {code: fix.build(cast.ward, M) for code, fix in fixes.LISTS.items()}
    ind = {k: result[k].denominator - result[k].numerator for k in result}
    assert len(lists["chua-sinh-hoat"]) == ind["regular_meeting_rate"]
    assert len(lists["du-hop-duoi-90"]) == ind["cells_attendance_ok_rate"] - len(lists["chua-sinh-hoat"])
    assert sum(r.without_task for r in lists["chua-giao-nhiem-vu"]) == ind["task_coverage_rate"]
    assert len(lists["chua-boi-duong"]) == ind["leader_training_rate"]
    assert len(lists["bien-ban-tre-han"]) == ind["minutes_on_time_rate"]


# --- bounded queries ----------------------------------------------------------------------------------


def _count_queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _add_cells(cast, rule_set, n, first=0):
    """n more cells, each with a leader, members without tasks and a flawed meeting with late minutes."""
    for i in range(first, first + n):
        cell = make_org(
            f"Chi bộ thêm {i}", parent=cast.ward, code=f"BD-X{i:02d}", founded_on=dt.date(2020, 1, 1)
        )
        people = [make_member(cell, full_name=f"Đặng Văn Thêm {i}-{j}") for j in range(3)]
        position_assign(
            member=people[0], cell=cell, kind=PositionKind.SECRETARY, valid_from=dt.date(2024, 1, 1), by=SYSTEM
        )
        meeting = held_meeting(cell, rule_set, start=local(2025, 3, 12, 19, 30))
        roll(meeting, people[0], AttendanceStatus.PRESENT)
        roll(meeting, people[1], AttendanceStatus.UNEXCUSED)
        roll(meeting, people[2], AttendanceStatus.UNEXCUSED)


def _all_lists(org):
    def run():
        for fix in fixes.LISTS.values():
            rows = fix.build(org, M)
            if fix.code == "chua-giao-nhiem-vu":
                fixes.with_member_names(rows)

    return run


def test_query_counts_do_not_grow_with_cells(cast, scenario, rules):
    per_list = {
        code: _count_queries(lambda f=fix: f.build(cast.ward, M)) for code, fix in fixes.LISTS.items()
    }
    names = _count_queries(lambda: fixes.with_member_names(fixes.members_without_task(cast.ward, M)))
    total = _count_queries(_all_lists(cast.ward))
    _add_cells(cast, rules, 17)  # 3 cells + 17 = 20
    facts.rebuild_month(MARCH)
    assert len(fixes.members_without_task(cast.ward, M)) == 2 + 17
    assert len(fixes.untrained_leaders(cast.ward, M)) == 1 + 17
    assert len(fixes.late_minutes(cast.ward, M)) == 2 + 17
    assert {
        code: _count_queries(lambda f=fix: f.build(cast.ward, M)) for code, fix in fixes.LISTS.items()
    } == (per_list)
    assert _count_queries(lambda: fixes.with_member_names(fixes.members_without_task(cast.ward, M))) == names
    assert _count_queries(_all_lists(cast.ward)) == total
    assert max(per_list.values()) <= 5  # untrained leaders: keys, positions, trainings, people, cells


# --- pages ----------------------------------------------------------------------------------------------


def url(org, code=None, ky="2025-03"):
    if code:
        return reverse("reporting:fix_list", args=[org.pk, code]) + f"?ky={ky}"
    return reverse("reporting:fixes", args=[org.pk]) + f"?ky={ky}"


def login(client, user):
    client.force_login(user)
    return client


def test_staff_sees_every_section_with_names(client, cast, scenario):
    page = login(client, cast.staff).get(url(cast.ward))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cần khắc phục" in html and "tháng 3/2025" in html
    for fix in fixes.LISTS.values():
        assert fix.title in html
    assert "Chi bộ Tổ dân phố số 3" in html  # no regular meeting
    assert "7/9" in html and "77,8%" in html
    assert "Lê Văn An" in html and "Cao Văn Một" in html  # without a task; An is also untrained
    assert "31/08/2022" in html  # An's last training
    assert "chưa thông qua" in html
    bd03 = scenario["BD-03"]
    assert reverse("reporting:dashboard", args=[bd03.pk]) + "?ky=2025-03" in html
    assert (
        reverse(
            "meetings:detail",
            args=[Meeting.objects.get(cell=cast.cell2, kind=MeetingKind.REGULAR, status="held").pk],
        )
        in html
    )


def test_the_page_reads_a_bounded_number_of_queries(
    client, cast, scenario, rules, django_assert_max_num_queries
):
    login(client, cast.staff)
    client.get(url(cast.ward))  # warm up (sessions, facts fresh)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(cast.ward)).status_code == 200
    _add_cells(cast, rules, 17)
    facts.rebuild_month(MARCH)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url(cast.ward)).status_code == 200


def test_a_removal_case_shows_on_the_page(client, cast, scenario, rules):
    _unexcused_in_january_and_february(cast, rules)
    html = login(client, cast.supervisor).get(url(cast.ward)).content.decode()
    assert "Phạm Văn Hưu" in html
    html = client.get(url(cast.ward, "xoa-ten")).content.decode()
    assert "Phạm Văn Hưu" in html and "1, 2, 3" in html


def test_the_cell_leader_sees_their_cell(client, cast, scenario):
    html = login(client, cast.leader_user).get(url(cast.cell)).content.decode()
    assert "Lê Văn An" in html
    assert "Chi bộ Tổ dân phố số 2" not in html  # BD-02's meeting belongs to the ward's list, not the cell's


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_a_sibling_gets_404(client, cast, scenario, who):
    login(client, getattr(cast, who))
    assert client.get(url(cast.ward)).status_code == 404
    assert client.get(url(cast.cell)).status_code == 404
    for code in fixes.LISTS:
        assert client.get(url(cast.cell, code)).status_code == 404


def test_an_anonymous_user_is_sent_to_log_in(client, cast, scenario):
    page = client.get(url(cast.cell))
    assert page.status_code == 302 and reverse("login") in page["Location"]


def test_a_member_sees_counts_but_no_names(client, cast, scenario):
    login(client, plain_member_user(cast))  # cast.member is the deputy here
    page = client.get(url(cast.cell))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chi bộ Tổ dân phố số 1" in html  # the cell's own problems are visible
    assert "Trần Thị Bình" not in html
    assert "Bùi Văn Tạm" not in html
    assert "31/08/2022" not in html
    assert "Bạn không có quyền xem tên đảng viên" in html
    assert client.get(url(cast.cell, "chua-boi-duong")).status_code == 403
    assert client.get(url(cast.cell, "xoa-ten")).status_code == 403
    tasks = client.get(url(cast.cell, "chua-giao-nhiem-vu"))
    # The nav's logout button names the member himself; no list on the page names him.
    tasks_html = tasks.content.decode().replace("Đăng xuất (Lê Văn An)", "")
    assert tasks.status_code == 200 and "Lê Văn An" not in tasks_html


def test_the_full_list_is_paginated(client, cast, scenario, rules):
    _add_cells(cast, rules, 55)
    facts.rebuild_month(MARCH)
    login(client, cast.staff)
    overview = client.get(url(cast.ward)).content.decode()
    full = reverse("reporting:fix_list", args=[cast.ward.pk, "chua-giao-nhiem-vu"])
    assert full in overview and "xem tất cả" in overview
    first = client.get(url(cast.ward, "chua-giao-nhiem-vu"))
    assert first.status_code == 200
    assert first.context["page"].paginator.count == 57
    assert len(first.context["page"].object_list) == 50
    assert all(row.members is not None for row in first.context["page"].object_list)
    second = client.get(url(cast.ward, "chua-giao-nhiem-vu") + "&trang=2")
    assert len(second.context["page"].object_list) == 7


def test_an_unknown_list_is_404_and_a_bad_period_says_why(client, cast, scenario):
    login(client, cast.staff)
    assert client.get(url(cast.ward, "khong-co")).status_code == 404
    page = client.get(url(cast.ward, ky="2025-13"))
    assert page.status_code == 200
    assert "Kỳ báo cáo không hợp lệ" in page.content.decode()


def test_a_quarter_and_a_year_are_accepted(client, cast, scenario):
    login(client, cast.staff)
    quarter = client.get(url(cast.ward, ky="2025-Q1")).content.decode()
    assert "quý I/2025" in quarter and "Chi bộ Tổ dân phố số 3" in quarter
    assert "năm 2025" in client.get(url(cast.ward, ky="2025")).content.decode()
