"""The Đề án 11 dashboard: exact numbers of the hand-built month, colours, drill-down, sorting, periods,
the 12-month trend, data scoping and a query count that does not grow with the number of units."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo.orgs.models import OrgKind, RoleKind
from chibo.reporting import charts, facts, periods
from chibo.reporting import dashboard as data
from chibo.reporting.indicators import Indicator
from tests.factories import make_org, make_user
from tests.reporting.clock import fix_today
from tests.reporting.scenario import MARCH, build, plain_member_user, run_facts_job
from tests.resolutions.conftest import task_rules  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def url(org, **query):
    base = reverse("reporting:dashboard", args=[org.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def scenario(cast, task_rules):  # noqa: F811
    orgs = build(cast, task_rules)
    run_facts_job()
    return orgs


def card(html: str, key: str) -> str:
    match = re.search(rf'<li class="ind st-(\w+)" id="ct-{key}">(.*?)</li>', html, re.S)
    assert match, key
    return match.group(1), match.group(2)


def child_names(response) -> list[str]:
    return [row.org.code for row in response.context["page"]]


def ward_with_cells(client, cast, code: str, numbers, name: str):
    """A new ward under the city with cells named `name.format(n=...)`, its month built, and the client
    logged in as its staff."""
    ward = make_org(f"Đảng bộ phường {code}", kind=OrgKind.GRASSROOTS, parent=cast.city, code=code)
    user = make_user(f"canbo_{code.lower()}", role=RoleKind.STAFF, org=ward)
    for n in numbers:
        make_org(name.format(n=n), parent=ward)
    facts.rebuild_month(MARCH)
    client.force_login(user)
    return ward


# --- the scenario ward ---------------------------------------------------------------------------------


def test_the_ward_shows_every_number_of_the_hand_built_month_with_its_colour(client, cast, scenario):
    client.force_login(cast.staff)
    response = client.get(url(cast.ward, ky="2025-03"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "tháng 3/2025" in html and cast.ward.name in html

    status, body = card(html, "attendance_rate")
    assert "10/12 lượt" in body and "83,3%" in body
    assert status == "close" and "Gần đạt" in body  # 83,3% is within 10 points of 90%
    assert "90%" in body and "100%" not in body.split("Thành phố")[0].split("Kế hoạch")[1]

    status, body = card(html, "regular_meeting_rate")
    assert "2/3 chi bộ" in body and "66,7%" in body and status == "far" and "Chưa đạt" in body
    status, body = card(html, "task_coverage_rate")
    assert "2/7 đảng viên" in body and status == "far"
    status, body = card(html, "leader_training_rate")
    assert "1/2 đồng chí" in body
    status, body = card(html, "minutes_on_time_rate")
    assert "1/3 buổi" in body
    status, body = card(html, "supervision_rate")
    assert status == "none" and "Chưa đặt chỉ tiêu" in body  # the city sets none; plans do
    assert "Chưa có kế hoạch riêng" in html


def test_the_ward_drills_down_to_its_cells(client, cast, scenario):
    client.force_login(cast.staff)
    response = client.get(url(cast.ward, ky="2025-03"))
    html = response.content.decode()
    assert f'href="{url(cast.cell, ky="2025-03")}"' in html
    assert set(child_names(response)) == {"BD-01", "BD-02", "BD-03", "BD-04"}
    assert 'id="so-lieu"' not in html

    cell_page = client.get(url(cast.cell, ky="2025-03"))
    cell_html = cell_page.content.decode()
    assert cell_page.status_code == 200 and 'id="truc-thuoc"' not in cell_html
    _status, body = card(cell_html, "attendance_rate")
    assert "7/9 lượt" in body
    numbers = cell_page.context["numbers"]
    assert [n["label"] for n in numbers] == ["03/2025"]
    assert ("Có mặt / phải dự", "7/9") in numbers[0]["values"]
    # The breadcrumb links back up to the ward's dashboard for the same period.
    assert f'href="{url(cast.ward, ky="2025-03")}"' in cell_html


def test_each_child_row_shows_its_numbers_and_colours(client, cast, scenario):
    client.force_login(cast.staff)
    html = client.get(url(cast.ward, ky="2025-03")).content.decode()
    row = re.search(rf'<a href="{re.escape(url(cast.cell, ky="2025-03"))}">.*?</tr>', html, re.S).group(0)
    cells = re.findall(
        r'<td class="st-(\w+)" title="([^"]*)"><span class="pct">([^<]*)</span>'
        r'<span class="word">([^<]*)</span></td>',
        row,
    )
    assert len(cells) == 10
    attendance = cells[list(data.KEYS).index("attendance_rate")]
    assert attendance == ("far", "7/9 lượt", "77,8%", "Chưa đạt")  # 7/9 against the city's 90%


def test_child_cells_are_built_for_the_page_shown_only(client, cast, settings):
    settings.CHIBO_PAGE_SIZE = 10
    ward = ward_with_cells(client, cast, "TR", range(30), "Chi bộ <b>{n:02d}</b>")
    response = client.get(url(ward, ky="2025-03", trang=2))
    page = response.context["page"]
    assert page.number == 2 and len(page) == 10
    assert all(row.cells is not None for row in page)
    assert all(row.cells is None for row in page.paginator.object_list if row not in page.object_list)
    html = response.content.decode()
    assert "Chi bộ &lt;b&gt;" in html and "<b>2" not in html  # names are escaped


def test_sorting_the_children_by_an_indicator(client, cast, scenario):
    client.force_login(cast.staff)
    down = client.get(url(cast.ward, ky="2025-03", sap_xep="attendance_rate", chieu="giam"))
    # BD-02 3/3, BD-01 7/9; units without a value come last whatever the direction.
    assert child_names(down) == ["BD-02", "BD-01", "BD-03", "BD-04"]
    up = client.get(url(cast.ward, ky="2025-03", sap_xep="attendance_rate", chieu="tang"))
    assert child_names(up) == ["BD-01", "BD-02", "BD-03", "BD-04"]
    html = up.content.decode()
    assert 'aria-sort="ascending"' in html and "sap_xep=attendance_rate&amp;chieu=giam" in html
    by_name = client.get(url(cast.ward, ky="2025-03", sap_xep="ten", chieu="giam"))
    assert child_names(by_name) == ["BD-04", "BD-03", "BD-02", "BD-01"]
    unknown = client.get(url(cast.ward, ky="2025-03", sap_xep="khong-co"))
    assert child_names(unknown) == ["BD-01", "BD-02", "BD-03", "BD-04"]


@pytest.fixture
def april_2025(monkeypatch):
    """Today in April 2025, so the facts job builds every month of March 2025's trend (it keeps the 35
    months before today), whatever the real date."""
    fix_today(monkeypatch, dt.date(2025, 4, 15))


def test_the_twelve_month_trend_is_an_inline_svg_with_twelve_points(client, cast, april_2025, scenario):
    client.force_login(cast.staff)
    response = client.get(url(cast.ward, ky="2025-03", chi_tieu="regular_meeting_rate"))
    html = response.content.decode()
    svg = re.search(r"<svg class=\"chart\".*?</svg>", html, re.S).group(0)
    assert svg.count('class="pt"') == 12 and 'class="pt empty"' not in svg
    assert 'viewBox="0 0' in svg and "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert ">T4/24<" in svg and ">T3/25<" in svg
    assert "T3/25: 66,7% (2/3)" in svg
    # Attendance exists only in March (no meeting before): one point, eleven months without data.
    response = client.get(url(cast.ward, ky="2025-03"))
    svg = re.search(r"<svg class=\"chart\".*?</svg>", response.content.decode(), re.S).group(0)
    assert svg.count('class="pt"') == 1 and svg.count('class="pt empty"') == 11


def test_a_quarter_and_a_year(client, cast, scenario):
    client.force_login(cast.staff)
    response = client.get(url(cast.ward, ky="2025-Q1"))
    assert response.status_code == 200 and "quý I/2025" in response.content.decode()
    response = client.get(url(cast.ward, ky="2025"))
    assert "năm 2025" in response.content.decode()
    cell = client.get(url(cast.cell, ky="2025-Q1"))
    assert [n["label"] for n in cell.context["numbers"]] == ["01/2025", "02/2025", "03/2025"]
    assert ("Sinh hoạt chuyên đề trong quý", "Có") in cell.context["numbers"][1]["values"]  # February


# --- periods ---------------------------------------------------------------------------------------------


def test_period_codes_and_fallbacks():
    now = data.current_month()
    assert data.resolve_period("2025-03") == (periods.month(2025, 3), None)
    assert data.resolve_period("2025-Q1") == (periods.quarter(2025, 1), None)
    assert data.resolve_period("2025") == (periods.year(2025), None)
    assert data.resolve_period(None) == (now, None)
    period, message = data.resolve_period("2025-13")
    assert period == now and "Kỳ báo cáo không hợp lệ" in message and "tháng hiện tại" in message
    period, message = data.resolve_period(f"{now.first.year + 2}")
    assert period == now and "chưa đến" in message


def test_period_navigation():
    nav = data.period_nav(periods.month(2025, 3))
    assert nav.previous.code == "2025-02" and nav.next.code == "2025-04"
    assert [code for code, _label, _current in nav.kinds] == ["2025-03", "2025-Q1", "2025"]
    nav = data.period_nav(periods.quarter(2025, 1))
    assert nav.previous.code == "2024-Q4" and nav.next.code == "2025-Q2"
    assert data.period_nav(data.current_month()).next is None
    assert data.trend_months(periods.month(2025, 3))[0] == dt.date(2024, 4, 1)
    assert data.trend_months(periods.year(2024))[-1] == dt.date(2024, 12, 1)


def test_a_bad_period_says_so_and_shows_the_current_month(client, cast):
    client.force_login(cast.staff)
    response = client.get(url(cast.ward, ky="thang-ba"), follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "Kỳ báo cáo không hợp lệ" in html
    assert data.current_month().label in html


def test_the_chart_leaves_gaps_and_draws_the_target():
    months = [dt.date(2025, m, 1) for m in range(1, 5)]
    values = [Indicator("x", 1, 2), None, Indicator("x", 3, 4), Indicator("x", 4, 4)]
    svg = str(charts.line_chart(months, values, title="Thử <b>", target=None))
    assert svg.count("<polyline") == 1  # Jan stands alone; Mar–Apr form a line
    assert "Thử &lt;b&gt;" in svg and 'class="target"' not in svg
    svg = str(charts.line_chart(months, values, title="Thử", target=data.Decimal(90)))
    assert 'class="target"' in svg and "Chỉ tiêu 90,0%" in svg


# --- who sees what -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_a_sibling_organisation_gets_404_on_the_ward_and_the_cell(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(url(cast.ward)).status_code == 404
    assert client.get(url(cast.cell)).status_code == 404


def test_a_member_sees_their_cell_only(client, cast):
    client.force_login(cast.member_user)
    home = client.get(reverse("reporting:home"))
    assert home.status_code == 302 and home.url == url(cast.cell)
    assert client.get(url(cast.cell)).status_code == 200
    assert client.get(url(cast.ward)).status_code == 404
    assert client.get(url(cast.cell2)).status_code == 404


def test_home_goes_to_the_highest_visible_unit(client, cast):
    client.force_login(cast.staff)
    assert client.get(reverse("reporting:home")).url == url(cast.ward)
    client.force_login(cast.supervisor)
    assert client.get(reverse("reporting:home")).url == url(cast.ward)
    nobody = make_user("khong-vai-tro")
    client.force_login(nobody)
    response = client.get(reverse("reporting:home"), follow=True)
    assert "chưa được giao vai trò" in response.content.decode()


def test_anonymous_users_are_sent_to_login(client, cast):
    response = client.get(url(cast.ward))
    assert response.status_code == 302 and "/dang-nhap/" in response.url


# --- queries -------------------------------------------------------------------------------------------


def _queries(client, page_url) -> int:
    client.get(page_url)  # warm-up: builds months, refreshes marks left by the writes
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page_url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_children(client, cast):
    ward = ward_with_cells(client, cast, "TH", range(3), "Chi bộ thử {n}")
    page_url = url(ward, ky="2025-03", sap_xep="attendance_rate")
    few = _queries(client, page_url)
    for n in range(3, 30):
        make_org(f"Chi bộ thử {n}", parent=ward)
    facts.rebuild_month(MARCH)
    many = _queries(client, page_url)
    assert len(client.get(page_url).context["page"]) == 30
    assert many == few, (few, many)


def test_the_dashboard_links_to_what_to_fix_and_to_reports_for_those_who_may(client, cast, scenario):
    client.force_login(cast.staff)
    html = client.get(url(cast.ward, ky="2025-03")).content.decode()
    assert reverse("reporting:fixes", args=[cast.ward.pk]) + "?ky=2025-03" in html
    assert reverse("reporting:reports", args=[cast.ward.pk]) in html
    client.force_login(plain_member_user(cast))  # cast.member is the deputy here
    html = client.get(url(cast.cell, ky="2025-03")).content.decode()
    assert reverse("reporting:fixes", args=[cast.cell.pk]) in html
    assert reverse("reporting:reports", args=[cast.cell.pk]) not in html  # reports name members


def test_a_change_shows_on_the_next_dashboard_view(client, cast, scenario):
    """Services mark the facts stale and queue the job; once it has run, the next view shows the change
    (the page itself only reads)."""
    from chibo.meetings.models import Meeting
    from chibo.resolutions.services import task_assign

    facts.rebuild_month(MARCH)
    client.force_login(cast.staff)
    assert "2/7" in card(client.get(url(cast.ward, ky="2025-03")).content.decode(), "task_coverage_rate")[1]
    second = Meeting.objects.get(cell=cast.cell, scheduled_at__day=20, scheduled_at__month=3)
    task_assign(
        meeting=second,
        members=[cast.member],
        text="Rà soát hộ nghèo",
        due_on=dt.date(2025, 3, 31),
        by=cast.staff,
    )
    run_facts_job()
    assert "3/7" in card(client.get(url(cast.ward, ky="2025-03")).content.decode(), "task_coverage_rate")[1]
