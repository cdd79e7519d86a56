"""The report files of the hand-built March 2025 (scenario.py): the Excel workbook and the Word draft
carry the same numbers as the fact tables, the ward's direct units, and the lists of what to fix."""

import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from chibo.reporting import engine, facts, periods, reports
from chibo.reporting.indicators import KEYS
from chibo.reporting.models import Plan, PlanTarget
from tests.reporting.scenario import EXPECTED_BD, EXPECTED_BD01, MARCH, build
from tests.resolutions.conftest import task_rules  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
PERIOD = periods.month(2025, 3)


@pytest.fixture
def scenario(cast, task_rules):  # noqa: F811
    orgs = build(cast, task_rules)
    facts.rebuild_month(MARCH)
    return orgs


def workbook(cast, user=None):
    content = reports.build(cast.ward, PERIOD, reports.XLSX, user=user or cast.staff)
    return load_workbook(io.BytesIO(content))


def rows_of(ws, first: int):
    return [list(r) for r in ws.iter_rows(min_row=first, values_only=True)]


def test_indicator_sheet_has_every_indicator_with_numerator_denominator_and_value(cast, scenario):
    ws = workbook(cast)["Chỉ tiêu"]
    assert ws["B2"].value == "Đảng bộ phường Ba Đình (BD)"
    assert ws["B3"].value == "tháng 3/2025"
    assert ws.freeze_panes == "A8"
    header = [c.value for c in ws[7]]
    assert header[:5] == ["Mục tiêu Đề án", "Chỉ tiêu", "Tử số", "Mẫu số", "Tỷ lệ"]
    body = rows_of(ws, 8)
    assert [r[1] for r in body] == [KEYS[k][2] for k in KEYS]
    by_label = {r[1]: r for r in body}
    for key, (num, den) in EXPECTED_BD.items():
        row = by_label[KEYS[key][2]]
        assert (row[2], row[3]) == (num, den), key
        assert row[4] == pytest.approx(num / den)
    attendance = by_label[KEYS["attendance_rate"][2]]
    assert attendance[0] == "T4"
    assert (attendance[2], attendance[3]) == (10, 12)
    assert attendance[4] == pytest.approx(10 / 12)
    assert attendance[5] == pytest.approx(0.9) and attendance[6] == pytest.approx(0.9)
    assert attendance[7] == "Gần đạt"  # 83.3% against 90%: within 10 points
    row_no = 8 + list(KEYS).index("attendance_rate")
    assert ws[f"E{row_no}"].number_format == "0.0%"


def test_status_words_follow_the_own_target_of_the_nearest_plan(cast, scenario):
    plan = Plan.objects.create(
        owner=cast.ward,
        number="05-KH/ĐU",
        issued_on=MARCH,
        valid_from=MARCH,
    )
    PlanTarget.objects.create(plan=plan, key="attendance_rate", target=80)
    body = {r[1]: r for r in rows_of(workbook(cast)["Chỉ tiêu"], 8)}
    attendance = body[KEYS["attendance_rate"][2]]
    assert attendance[5] == pytest.approx(0.8) and attendance[6] == pytest.approx(0.9)
    assert attendance[7] == "Đạt"
    assert body[KEYS["regular_meeting_rate"][2]][7] == "Chưa đạt"  # 2/3 against 100%
    assert body[KEYS["supervision_rate"][2]][7] == "Chưa đặt mục tiêu"


def test_numbers_equal_the_dashboard_reading_of_the_facts(cast, scenario):
    data = reports.collect(cast.ward, PERIOD, user=cast.staff)
    from_facts = engine.from_facts(cast.ward, PERIOD)
    assert {r.key: r.indicator for r in data.rows} == from_facts
    assert data.cells == 3
    assert data.working == 7


def test_children_sheet_lists_the_active_direct_units_only(cast, scenario):
    ws = workbook(cast)["Đơn vị trực thuộc"]
    assert ws.freeze_panes == "C3"
    assert ws["C1"].value.startswith("T1.")
    assert [c.value for c in ws[2]][2:5] == ["Tử số", "Mẫu số (chi bộ)", "Tỷ lệ"]
    body = rows_of(ws, 3)
    assert [r[0] for r in body] == ["BD-01", "BD-02", "BD-03"]  # not BD-04 (dissolved), not HK-09
    bd01 = body[0]
    column = 2 + 3 * list(KEYS).index("attendance_rate")
    assert bd01[column : column + 3] == [7, 9, pytest.approx(7 / 9)]
    for i, (key, (num, den)) in enumerate(EXPECTED_BD01.items()):
        assert bd01[2 + 3 * i : 4 + 3 * i] == [num, den], key
    bd03 = body[2]
    assert bd03[2:5] == [0, 1, 0]


def test_a_cell_report_says_it_has_no_child_units(cast, scenario):
    content = reports.build(cast.cell, PERIOD, reports.XLSX, user=cast.leader_user)
    ws = load_workbook(io.BytesIO(content))["Đơn vị trực thuộc"]
    assert rows_of(ws, 3) == [[None, "Không có đơn vị trực thuộc."] + [None] * 30]


def test_fix_sheets_list_what_keeps_the_ward_from_its_targets(cast, scenario):
    wb = workbook(cast)
    no_meeting = wb["Chưa sinh hoạt thường kỳ"]
    assert no_meeting["A1"].value == "Chi bộ chưa sinh hoạt thường kỳ, tháng 3/2025"
    assert [c.value for c in no_meeting[2]] == ["Tháng", "Mã chi bộ", "Tên chi bộ", "Ghi chú"]
    assert no_meeting.freeze_panes == "A3"
    assert rows_of(no_meeting, 3) == [["03/2025", "BD-03", "Chi bộ Tổ dân phố số 3", None]]  # a past month
    low = rows_of(wb["Dự sinh hoạt dưới 90%"], 3)
    assert low == [["03/2025", "BD-01", "Chi bộ Tổ dân phố số 1", 7, 9, pytest.approx(7 / 9)]]
    gaps = wb["Thiếu bước, tài liệu muộn"]
    rows = rows_of(gaps, 3)
    assert [(r[0], r[1], r[5]) for r in rows] == [
        (dt.datetime(2025, 3, 10, 19, 30), "BD-02", "Không"),  # a mandatory step skipped
        (dt.datetime(2025, 3, 20, 19, 30), "BD-01", "Có"),  # materials 2 hours before
    ]
    assert rows[0][3] and not rows[1][3]
    assert gaps["A3"].number_format == "DD/MM/YYYY HH:MM"
    tasks = {r[1]: r[3:] for r in rows_of(wb["Chưa phân công nhiệm vụ"], 3)}
    assert tasks["BD-01"] == [1, 3, "Lê Văn An"]
    assert tasks["BD-02"][:2] == [4, 4] and "Hoàng Văn Đi" in tasks["BD-02"][2]
    untrained = rows_of(wb["Cấp ủy chưa bồi dưỡng"], 3)
    assert [(r[0], r[2]) for r in untrained] == [("Lê Văn An", "BD-01")]
    assert untrained[0][4] == dt.datetime(2022, 8, 31)
    late = rows_of(wb["Biên bản trễ hạn"], 3)
    assert [(r[1], r[0].day) for r in late] == [("BD-02", 10), ("BD-01", 20)]
    assert rows_of(wb["Có thể xóa tên"], 3)[0][0] == "Không có."


def test_word_draft_has_the_title_the_period_and_the_figures(cast, scenario):
    content = reports.build(cast.ward, PERIOD, reports.DOCX, user=cast.staff)
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "BÁO CÁO" in text
    assert "kết quả thực hiện Đề án 11-ĐA/TU về nâng cao chất lượng sinh hoạt chi bộ, tháng 3/2025" in text
    for heading in ("I. TÌNH HÌNH CHUNG", "II. KẾT QUẢ", "III. NHỮNG HẠN CHẾ", "IV. PHƯƠNG HƯỚNG"):
        assert heading in text
    assert "Đảng bộ phường Ba Đình có 3 chi bộ, 9 đảng viên" in text
    assert "10/12" in cells and "83,3%" in cells
    assert "ĐẢNG ỦY PHƯỜNG BA ĐÌNH" in cells and "Số: …-BC/ĐU" in cells and "Ba Đình, ngày" in cells
    assert "T/M ĐẢNG ỦY" in cells and "BÍ THƯ" in cells
    assert "Có 1 lượt chi bộ chưa tổ chức sinh hoạt thường kỳ trong tháng (BD-03)." in text
    assert "[Cấp ủy bổ sung:" in text


def test_a_quarter_report_reads_every_month_of_it(cast, scenario):
    data = reports.collect(cast.ward, periods.quarter(2025, 1), user=cast.staff)
    attendance = next(r for r in data.rows if r.key == "attendance_rate").indicator
    assert (attendance.numerator, attendance.denominator) == (10, 12)  # only March had regular meetings


def test_children_sheet_reads_the_facts_in_one_query(cast, scenario, django_assert_max_num_queries):
    from chibo.reporting.reports import _children

    with django_assert_max_num_queries(3):
        children = _children(cast.ward, PERIOD, cast.staff)
    assert [c.code for c, _ in children] == ["BD-01", "BD-02", "BD-03"]


def test_the_report_command_writes_the_workbook(cast, scenario, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    target = tmp_path / "bd.xlsx"
    out = StringIO()
    call_command("report", "BD", "--period", "2025-03", "-o", str(target), stdout=out)
    assert "tháng 3/2025" in out.getvalue()
    rows = {r[1]: r for r in rows_of(load_workbook(target)["Chỉ tiêu"], 8)}
    assert rows[KEYS["attendance_rate"][2]][2:4] == [10, 12]


def test_a_cells_word_draft_does_not_say_it_has_one_cell(cast, scenario):
    content = reports.build(cast.cell, PERIOD, reports.DOCX, user=cast.staff)
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert f"{cast.cell.name} có " in text
    assert f"{cast.cell.name} có 1 chi bộ" not in text and " chi bộ, " not in text.split("I. TÌNH HÌNH CHUNG")[1][:200]


def test_the_indicator_workbook_prints_on_landscape_pages_fit_to_width_with_repeated_titles(cast, scenario):
    wb = workbook(cast)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.page_setup.fitToHeight == 0, ws.title  # as many pages down as needed
        assert ws.print_title_rows, ws.title
