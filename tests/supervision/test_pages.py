"""The quarterly view, my units, and the partials on shared pages (navigation, organisation, meeting)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo.supervision import rules, services
from chibo.supervision.selectors import quarter_assignments, quarter_rows
from tests.factories import make_member, make_user
from tests.resolutions.conftest import hold_meeting
from tests.supervision.conftest import local, record_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_units(cast, visit):
    """cast.supervisor follows BD-01 (visited 05/03/2025) and BD-02 (not visited) in Q1 2025; a second
    person follows BD-02 from Q2 only."""
    services.assignment_create(
        committee=cast.ward,
        user=cast.supervisor,
        unit=cast.cell2,
        valid_from=dt.date(2025, 2, 1),
        by=cast.staff,
    )
    other = make_user("uyvien2", member=make_member(cast.cell2, full_name="Đỗ Thị Hoa"))
    services.assignment_create(
        committee=cast.ward, user=other, unit=cast.cell2, valid_from=dt.date(2025, 4, 1), by=cast.staff
    )
    return other


def test_quarter_rows_count_visited_and_not_visited_units(cast, two_units):
    q1 = rules.Quarter(2025, 1)
    (row,) = quarter_rows(q1, quarter_assignments(q1, org=cast.ward))
    assert (row.user, row.assigned, row.visited, row.not_visited, row.visits) == (cast.supervisor, 2, 1, 1, 1)
    q2 = rules.Quarter(2025, 2)
    rows = {r.user.username: r for r in quarter_rows(q2, quarter_assignments(q2, org=cast.ward))}
    assert (rows["phutrach"].visited, rows["phutrach"].not_visited) == (0, 2)
    assert (rows["uyvien2"].assigned, rows["uyvien2"].visited) == (1, 0)


def test_quarter_rows_only_count_held_meetings_in_the_quarter(cast, task_rules, assignment):
    record_visit(hold_meeting(cast, task_rules, local(2025, 4, 2, 19, 30)), assignment)
    q1 = rules.Quarter(2025, 1)
    (row,) = quarter_rows(q1, quarter_assignments(q1, org=cast.ward))
    assert row.visited == 0


def test_the_committee_quarter_page_shows_the_counts(client, cast, two_units):
    client.force_login(cast.staff)
    url = reverse("supervision:quarter", args=[cast.ward.pk])
    page = client.get(url, {"quy": "2025-Q1"}).content.decode()
    assert "Quý 1/2025" in page and "Chi bộ Tổ dân phố số 2" in page and "05/03/2025" in page
    assert "đã dự <strong>1</strong>, chưa dự <strong>1</strong>" in page
    # A bad quarter in the link falls back to the current quarter instead of failing.
    assert client.get(url, {"quy": "2025-Q9"}).status_code == 200


def test_the_quarter_page_runs_a_bounded_number_of_queries(client, cast, two_units, task_rules):
    for i in range(3):
        user = make_user(f"them{i}", member=make_member(cast.cell2))
        services.assignment_create(
            committee=cast.ward, user=user, unit=cast.cell, valid_from=dt.date(2025, 1, 1), by=cast.staff
        )
    client.force_login(cast.staff)
    url = reverse("supervision:quarter", args=[cast.ward.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"quy": "2025-Q1"})
    for i in range(3, 8):
        user = make_user(f"them{i}", member=make_member(cast.cell2))
        services.assignment_create(
            committee=cast.ward, user=user, unit=cast.cell2, valid_from=dt.date(2025, 1, 1), by=cast.staff
        )
    with CaptureQueriesContext(connection) as more:
        client.get(url, {"quy": "2025-Q1"})
    assert len(more) == len(few)


def test_a_cell_leader_sees_their_cells_quarter_but_a_plain_member_is_refused(client, cast, visit):
    client.force_login(cast.leader_user)
    assert client.get(reverse("supervision:quarter", args=[cast.cell.pk])).status_code == 200
    client.force_login(cast.member_user)
    assert client.get(reverse("supervision:quarter", args=[cast.cell.pk])).status_code == 403


def test_my_units_lists_the_units_meetings_and_my_pending_recommendations(client, cast, two_units):
    client.force_login(cast.supervisor)
    page = client.get(reverse("supervision:mine"), {"quy": "2025-Q1"}).content.decode()
    assert "Được phân công <strong>2</strong> đơn vị" in page
    assert "Tăng thời lượng thảo luận" in page and "quá hạn" in page


def test_the_cell_page_lists_pending_recommendations_with_overdue_highlighted(client, cast, visit):
    client.force_login(cast.leader_user)
    page = client.get(reverse("orgs:detail", args=[cast.cell.pk])).content.decode()
    assert "Tăng thời lượng thảo luận" in page and 'class="line overdue"' in page
    assert "1 quá hạn trả lời" in page


def test_the_committee_page_lists_its_cells_pending_recommendations(client, cast, visit):
    rec = visit.recommendations.get()
    client.force_login(cast.staff)
    page = client.get(reverse("orgs:detail", args=[cast.ward.pk])).content.decode()
    assert "Tăng thời lượng thảo luận" in page
    services.recommendation_close(recommendation=rec, by=cast.supervisor)
    page = client.get(reverse("orgs:detail", args=[cast.ward.pk])).content.decode()
    assert "Tăng thời lượng thảo luận" not in page and "Không có kiến nghị nào đang chờ." in page


def test_the_sibling_wards_page_shows_none_of_ours(client, cast, visit):
    client.force_login(cast.outsider)
    page = client.get(reverse("orgs:detail", args=[cast.ward2.pk])).content.decode()
    assert "Tăng thời lượng thảo luận" not in page


def test_the_org_recommendations_list(client, cast, visit):
    client.force_login(cast.staff)
    url = reverse("supervision:org_recommendations", args=[cast.ward.pk])
    assert "Tăng thời lượng thảo luận" in client.get(url).content.decode()
    assert "Tăng thời lượng thảo luận" not in client.get(url, {"trang_thai": "closed"}).content.decode()


def test_the_navigation_link_shows_for_supervisors_staff_and_assigned_users_only(client, cast):
    for user, shown in ((cast.supervisor, True), (cast.staff, True), (cast.member_user, False)):
        client.force_login(user)
        page = client.get(reverse("supervision:index")).content.decode()
        assert (f'href="{reverse("supervision:index")}"' in page) is shown, user
    assigned = make_user("uyvien", member=make_member(cast.cell2))
    services.assignment_create(
        committee=cast.ward, user=assigned, unit=cast.cell, valid_from=dt.date(2025, 1, 1), by=cast.staff
    )
    client.force_login(assigned)
    page = client.get(reverse("supervision:index")).content.decode()
    assert f'href="{reverse("supervision:mine")}"' in page


def test_an_assigned_user_without_a_role_records_a_visit_from_my_units(client, cast, held):
    user = make_user("uyvien", member=make_member(cast.cell2))
    services.assignment_create(
        committee=cast.ward, user=user, unit=cast.cell, valid_from=dt.date(2025, 1, 1), by=cast.staff
    )
    client.force_login(user)
    url = reverse("supervision:visit_create", args=[held.pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("supervision:quarter", args=[cast.cell.pk])).status_code == 200
    # cell2 is the user's own cell (their membership gives the member right, issue 11): seen, not readable.
    assert client.get(reverse("supervision:quarter", args=[cast.cell2.pk])).status_code == 403
    assert client.get(reverse("supervision:quarter", args=[cast.other_cell.pk])).status_code == 404


def test_rules_parse_quarters():
    assert rules.parse_quarter("2025-q4", dt.date(2020, 1, 1)) == rules.Quarter(2025, 4)
    assert rules.parse_quarter("x", dt.date(2025, 5, 2)) == rules.Quarter(2025, 2)
    q = rules.Quarter(2025, 4)
    assert (q.first_day, q.end, q.next().code, q.previous().label) == (
        dt.date(2025, 10, 1),
        dt.date(2026, 1, 1),
        "2026-Q1",
        "Quý 3/2025",
    )


def test_the_navigation_link_costs_at_most_one_query_once_roles_are_read(cast, django_assert_num_queries):
    from chibo.orgs.access import holds_role
    from chibo.supervision.templatetags.supervision_tags import supervision_nav

    for user in (cast.member_user, cast.supervisor):
        holds_role(user)  # every page reads the user's roles once (orgs.access)
    with django_assert_num_queries(1):  # a member: is there an assignment?
        assert supervision_nav(cast.member_user) == {"show": False}
    with django_assert_num_queries(0):  # a supervisor's role decides
        assert supervision_nav(cast.supervisor) == {"show": True}
