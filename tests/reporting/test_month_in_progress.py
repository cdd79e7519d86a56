"""The month in progress (today fixed at 15/06/2025) and the units of quarter and year figures.

ward BD in June 2025, six cells:
  BD-01  held 05/06, everything on time, tasks to both members          → done
  BD-05  held 14/06, minutes not approved yet (due by 16/06)           → done, minutes not yet due
  BD-06  scheduled 20/06 (and scheduled 20/05, never held)             → scheduled
  BD-07  scheduled 15/06 19:30, today                                  → scheduled
  BD-08  scheduled 10/06, not held                                     → late
  BD-02  nothing scheduled in June (no members)                        → late
"""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chibo.reporting import facts, fixes, periods, reports
from chibo.resolutions.services import task_assign
from tests.factories import make_member, make_org
from tests.meetings.conftest import make_meeting
from tests.reporting.clock import fix_today
from tests.reporting.scenario import _hold, at
from tests.reporting.test_dashboard import card
from tests.resolutions.conftest import task_rules  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 15)
JUNE, MAY, APRIL = dt.date(2025, 6, 1), dt.date(2025, 5, 1), dt.date(2025, 4, 1)


@pytest.fixture
def june(cast, task_rules, monkeypatch):  # noqa: F811
    fix_today(monkeypatch, TODAY)
    rules, staff = task_rules, cast.staff
    cells = {"BD-01": cast.cell, "BD-02": cast.cell2}
    for n in (5, 6, 7, 8):
        cell = make_org(f"Chi bộ Tổ dân phố số {n}", parent=cast.ward, code=f"BD-0{n}")
        make_member(cell, full_name=f"Ngô Văn Một {n}")
        make_member(cell, full_name=f"Ngô Văn Hai {n}")
        cells[cell.code] = cell

    def hold(code, day, minutes_at=None):
        meeting = _hold(
            cells[code],
            rules,
            at(2025, 6, day, 19, 30),
            {},
            by=staff,
            published=at(2025, 6, day - 2, 19, 30),
            minutes_at=minutes_at,
        )
        members = [line.member for line in meeting.attendances.select_related("member")]
        task_assign(
            meeting=meeting, members=members, text="Vận động hội viên", due_on=dt.date(2025, 6, 30), by=staff
        )

    hold("BD-01", 5, minutes_at=at(2025, 6, 6, 10))
    hold("BD-05", 14)
    make_meeting(cells["BD-06"], rules, when=at(2025, 6, 20, 19, 30))
    make_meeting(cells["BD-06"], rules, when=at(2025, 5, 20, 19, 30))
    make_meeting(cells["BD-07"], rules, when=at(2025, 6, 15, 19, 30))
    make_meeting(cells["BD-08"], rules, when=at(2025, 6, 10, 19, 30))
    for month in (APRIL, MAY, JUNE):
        facts.rebuild_month(month)
    return cells


def url(org, period: str) -> str:
    return reverse("reporting:dashboard", args=[org.pk]) + f"?ky={period}"


def child_cell(html: str, org, key_index: int) -> tuple[str, str, str]:
    """(status, title, word) of one indicator in a child's row of the table."""
    row = re.search(rf'<a href="{re.escape(url(org, "2025-06"))}">.*?</tr>', html, re.S).group(0)
    cells = re.findall(r'<td class="st-(\w+)" title="([^"]*)">.*?<span class="word">([^<]*)</span></td>', row)
    return cells[key_index]


KEYS = list(reports.KEYS)


def test_the_ward_shows_what_is_held_and_what_is_scheduled(client, cast, june):
    client.force_login(cast.staff)
    html = client.get(url(cast.ward, "2025-06")).content.decode()
    progress = re.search(r'<p id="tien-do".*?</p>', html, re.S).group(0)
    assert "Tháng 6/2025 đang diễn ra, đến hôm nay 15/06/2025" in progress
    assert "2 chi bộ đã họp · 2 chi bộ đã lên lịch · 2 chi bộ quá ngày dự kiến hoặc chưa có lịch" in progress

    status, body = card(html, "regular_meeting_rate")
    assert "2/6 chi bộ" in body and "2 chi bộ đã họp · 2 chi bộ đã lên lịch" in body
    assert status == "far" and "Chưa đạt" in body  # BD-08 and BD-02 are late: 2 of the 4 due
    status, body = card(html, "task_coverage_rate")
    assert "4/10 đảng viên" in body and "Chưa đánh giá 2 chi bộ đã lên lịch" in body and status == "far"
    # BD-05's minutes are due by 16/06: not late yet, and the only other meeting's were on time.
    status, body = card(html, "minutes_on_time_rate")
    assert "1/2 buổi" in body and "1 buổi chưa đến hạn thông qua biên bản" in body
    assert status == "pending" and "Chưa đến hạn" in body
    # Attendance is over the meetings held only: nothing scheduled changes it.
    status, body = card(html, "attendance_rate")
    assert "4/4 lượt" in body and status == "met"


def test_a_cell_scheduled_later_is_not_shown_as_failing(client, cast, june):
    client.force_login(cast.staff)
    html = client.get(url(cast.ward, "2025-06")).content.decode()
    t1, t5 = KEYS.index("regular_meeting_rate"), KEYS.index("task_coverage_rate")
    status, title, word = child_cell(html, june["BD-06"], t1)
    assert (status, word) == ("pending", "Đã lên lịch") and "ngày 20/06/2025" in title
    assert ">20/06</span>" in html  # the day, not a 0% that reads as a failure
    assert child_cell(html, june["BD-06"], t5)[0] == "pending"
    assert child_cell(html, june["BD-07"], t1)[0] == "pending"  # today's meeting is still ahead
    assert child_cell(html, june["BD-08"], t1)[::2] == ("far", "Chưa đạt")  # 10/06 passed, not held
    assert child_cell(html, june["BD-02"], t1)[::2] == ("far", "Chưa đạt")  # nothing scheduled
    assert child_cell(html, june["BD-01"], t1)[::2] == ("met", "Đạt")

    cell_html = client.get(url(june["BD-06"], "2025-06")).content.decode()
    status, body = card(cell_html, "regular_meeting_rate")
    assert status == "pending" and "Đã lên lịch sinh hoạt ngày 20/06/2025" in body
    assert "Chi bộ đã lên lịch sinh hoạt thường kỳ ngày 20/06/2025." in cell_html
    assert "Chưa đến hạn (lịch họp 20/06/2025)" in cell_html  # the cell's own numbers
    status, body = card(client.get(url(june["BD-08"], "2025-06")).content.decode(), "regular_meeting_rate")
    assert status == "far"


def test_the_month_in_progress_is_read_without_writing(client, cast, june):
    from tests.reporting.test_read_only_pages import _get_without_writes

    client.force_login(cast.staff)
    for page in (
        url(cast.ward, "2025-06"),
        url(june["BD-06"], "2025-06"),
        reverse("reporting:fixes", args=[cast.ward.pk]) + "?ky=2025-06",
    ):
        _get_without_writes(client, page)


def test_past_months_stay_as_they_are(client, cast, june):
    client.force_login(cast.staff)
    html = client.get(url(cast.ward, "2025-05")).content.decode()
    assert 'id="tien-do"' not in html
    status, body = card(html, "regular_meeting_rate")
    assert "0/6 chi bộ" in body and status == "far"
    may = fixes.cells_without_regular_meeting(cast.ward, periods.month(2025, 5))
    assert {r.cell.code for r in may} == {"BD-01", "BD-02", "BD-05", "BD-06", "BD-07", "BD-08"}
    assert all(r.note == "" for r in may)


def test_what_to_fix_in_the_month_in_progress_lists_only_what_is_late(cast, june, monkeypatch):
    period = periods.month(2025, 6)
    rows = fixes.cells_without_regular_meeting(cast.ward, period)
    assert [(r.cell.code, r.note) for r in rows] == [
        ("BD-02", "Chưa có lịch sinh hoạt thường kỳ trong tháng"),
        ("BD-08", "Dự kiến họp 10/06/2025, chưa họp"),
    ]
    assert [r.cell.code for r in fixes.members_without_task(cast.ward, period)] == ["BD-08"]
    assert fixes.late_minutes(cast.ward, period) == []

    # Two days later, with the same facts: BD-07 missed its 15/06 and BD-05's minutes are past due.
    fix_today(monkeypatch, dt.date(2025, 6, 17))
    rows = fixes.cells_without_regular_meeting(cast.ward, period)
    assert [(r.cell.code, r.overdue_on) for r in rows] == [
        ("BD-02", None),
        ("BD-07", dt.date(2025, 6, 15)),
        ("BD-08", dt.date(2025, 6, 10)),
    ]
    late = fixes.late_minutes(cast.ward, period)
    assert [(m.cell.code, m.status_text) for m in late] == [("BD-05", "chưa thông qua")]


def test_the_month_is_over_once_a_cell_holds_its_meeting(client, cast, june, task_rules):  # noqa: F811
    """A scheduled meeting held (and the facts rebuilt) moves its cell from scheduled to done."""
    meeting = june["BD-06"].meetings.get(scheduled_at=at(2025, 6, 20, 19, 30))
    meeting.delete()
    _hold(june["BD-06"], task_rules, at(2025, 6, 12, 19, 30), {}, by=cast.staff)
    facts.rebuild_month(JUNE)
    client.force_login(cast.staff)
    html = client.get(url(cast.ward, "2025-06")).content.decode()
    assert "3 chi bộ đã họp · 1 chi bộ đã lên lịch · 2 chi bộ quá ngày dự kiến hoặc chưa có lịch" in html


# --- quarters and years -----------------------------------------------------------------------------


def test_quarter_and_year_denominators_are_cell_months(client, cast, june):
    client.force_login(cast.staff)
    html = client.get(url(cast.ward, "2025-Q2")).content.decode()
    _status, body = card(html, "regular_meeting_rate")
    assert "2/18 lượt chi bộ-tháng" in body and "18 chi bộ" not in body  # 6 cells × 3 months
    _status, body = card(html, "thematic_meeting_rate")
    assert "0/6 chi bộ" in body  # read at the quarter's (current) month: cells
    _status, body = card(html, "task_coverage_rate")
    assert "lượt đảng viên-tháng" in body
    assert 'id="luot"' in html and "lượt chi bộ-tháng" in html
    assert 'id="tien-do"' in html  # the quarter runs: its June cells still scheduled are not failing
    assert "Tháng 6/2025: 2 chi bộ đã họp · 2 chi bộ đã lên lịch" in card(html, "regular_meeting_rate")[1]

    html = client.get(url(cast.ward, "2025")).content.decode()
    _status, body = card(html, "regular_meeting_rate")
    assert "2/18 lượt chi bộ-tháng" in body  # January–March were never built here
    _status, body = card(html, "thematic_meeting_rate")
    assert "lượt chi bộ-quý" in body  # read at the ends of Q1 and Q2

    html = client.get(url(cast.ward, "2025-05")).content.decode()
    assert "0/6 chi bộ" in card(html, "regular_meeting_rate")[1] and 'id="luot"' not in html


def test_the_quarter_report_names_its_units(cast, june):
    quarter = periods.quarter(2025, 2)
    wb = load_workbook(io.BytesIO(reports.build(cast.ward, quarter, reports.XLSX, user=cast.staff)))
    ws = wb["Chỉ tiêu"]
    assert ws["I7"].value == "Mẫu số tính theo"
    by_label = {r[1]: r for r in ws.iter_rows(min_row=8, values_only=True)}
    t1 = by_label["Chi bộ sinh hoạt thường kỳ trong tháng"]
    assert t1[2:4] == (2, 18) and t1[8] == "lượt chi bộ-tháng"
    assert by_label["Chi bộ sinh hoạt chuyên đề trong quý"][8] == "chi bộ"
    assert by_label["Biên bản thông qua đúng hạn"][7] == "Chưa đến hạn"  # BD-05's are not due yet
    children = wb["Đơn vị trực thuộc"]
    assert children["D2"].value == "Mẫu số (lượt chi bộ-tháng)"

    from docx import Document

    document = Document(io.BytesIO(reports.build(cast.ward, quarter, reports.DOCX, user=cast.staff)))
    grid = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    table = [[c.text for c in row.cells] for row in grid.rows]
    results = {row[1]: row[2] for row in table[1:]}
    assert results["T1. Chi bộ sinh hoạt thường kỳ trong tháng"] == "2/18 lượt chi bộ-tháng"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "có 6 chi bộ" in text and "18 chi bộ" not in text  # the ward's cells, not cell-months
