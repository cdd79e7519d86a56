"""A name that a spreadsheet would read as a formula (OWASP "CSV injection") is neutralised in every file
we write, and refused when it comes in: through the web export, `chibo export-data`, the error list of an
import and the report workbook."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from chibo.common.spreadsheet import FORMULA_START
from chibo.common.text import NAME_MESSAGE
from chibo.dataio.models import ImportJob
from chibo.dataio.services import import_data
from chibo.members.models import Member
from chibo.orgs.models import Organisation
from chibo.reporting import periods, reports
from tests.dataio.helpers import csv_bytes

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://x.example/","Bấm")',
    "=cmd|' /C calc'!A0",
    "+1",
    "-1",
    "@SUM(A1)",
    "\tx",
    "\rx",
]


@pytest.fixture
def hostile_members(cast):
    """Rows stored before names were checked (or written straight to the database)."""
    members = [cast.member, cast.secretary]
    Member.objects.filter(pk=cast.member.pk).update(full_name=HOSTILE[0])
    Member.objects.filter(pk=cast.secretary.pk).update(full_name=HOSTILE[1])
    return members


def _xlsx_cells(content: bytes):
    for ws in load_workbook(io.BytesIO(content)).worksheets:
        for row in ws.iter_rows():
            yield from (c for c in row if c.value is not None)


def assert_no_formula_in_xlsx(content: bytes, expected: list[str]) -> None:
    cells = list(_xlsx_cells(content))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    found = {c.value: c for c in cells if isinstance(c.value, str)}
    for value in expected:
        # Kept as the text it is, stored as a string, with Excel's quote prefix so an edit does not revive it.
        assert found[value].data_type == "s" and found[value].quotePrefix, value


def assert_no_formula_in_csv(text: str, expected: list[str]) -> None:
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_START)]
    for value in expected:
        assert "'" + value in cells


def test_the_web_export_neutralises_formula_names(client, cast, hostile_members):
    client.force_login(cast.staff)
    url = reverse("dataio:export")
    response = client.get(url, {"kind": "members", "org": "BD", "format": "xlsx"})
    assert response.status_code == 200
    assert_no_formula_in_xlsx(response.content, HOSTILE[:2])
    response = client.get(url, {"kind": "members", "org": "BD", "format": "csv"})
    assert_no_formula_in_csv(response.content.decode("utf-8-sig"), HOSTILE[:2])


def test_export_data_on_the_command_line_neutralises_formula_names(cast, hostile_members, tmp_path):
    xlsx = tmp_path / "dang-vien.xlsx"
    call_command("export_data", "members", str(xlsx), "--org", "BD")
    assert_no_formula_in_xlsx(xlsx.read_bytes(), HOSTILE[:2])
    every = tmp_path / "tat-ca.xlsx"
    call_command("export_data", "all", str(every), "--org", "BD")
    assert_no_formula_in_xlsx(every.read_bytes(), HOSTILE[:2])
    path = tmp_path / "dang-vien.csv"
    call_command("export_data", "members", str(path), "--org", "BD")
    assert_no_formula_in_csv(path.read_text(encoding="utf-8-sig"), HOSTILE[:2])


@pytest.mark.parametrize("name", HOSTILE)
def test_every_formula_start_is_neutralised_in_csv_and_xlsx(cast, name, tmp_path):
    Member.objects.filter(pk=cast.member.pk).update(full_name=name)
    path = tmp_path / "dang-vien.csv"
    call_command("export_data", "members", str(path), "--org", "BD")
    with path.open(encoding="utf-8-sig", newline="") as f:  # keep a carriage return inside a cell
        rows = list(csv.reader(f))
    assert "'" + name in [cell for row in rows for cell in row]
    xlsx = tmp_path / "dang-vien.xlsx"
    call_command("export_data", "members", str(xlsx), "--org", "BD")
    assert_no_formula_in_xlsx(xlsx.read_bytes(), [name])


def test_the_report_workbook_stores_unit_names_as_text(cast):
    Organisation.objects.filter(pk=cast.cell.pk).update(name=HOSTILE[0])
    content = reports.build(cast.ward, periods.month(2025, 3), reports.XLSX, user=cast.staff)
    assert_no_formula_in_xlsx(content, [HOSTILE[0]])


@pytest.mark.parametrize("name", HOSTILE[:5])
def test_an_import_refuses_a_formula_as_a_name_naming_the_row(cast, name):
    row = ["F1", name, "Nam", "", "", "", "", "01/01/2010", "", ""]
    result = import_data(kind="members", filename="dang-vien.csv", data=csv_bytes("members", [row]), user=cast.staff)
    assert [(e.row, e.column, e.message) for e in result.errors] == [(2, "Họ và tên", NAME_MESSAGE)]
    assert not Member.objects.filter(card_number="F1").exists()


def test_the_error_list_of_an_import_is_neutralised(client, cast):
    job = ImportJob.objects.create(
        user=cast.staff, kind="members", file_name="dang-vien.csv",
        errors=[{"sheet": "", "row": 3, "column": "=A1", "message": "@x"}],
    )
    client.force_login(cast.staff)
    response = client.get(reverse("dataio:errors", args=[job.pk]))
    assert_no_formula_in_csv(response.content.decode("utf-8-sig"), ["=A1", "@x"])


def test_a_data_workbook_has_a_frozen_header_and_columns_wide_enough_for_dates(cast, tmp_path):
    path = tmp_path / "tat-ca.xlsx"
    call_command("export_data", "all", str(path), "--org", "BD")
    book = load_workbook(path)
    ws = book["Đảng viên"]
    assert ws.freeze_panes == "A2"
    widths = {ws.cell(1, i).value: ws.column_dimensions[ws.cell(1, i).column_letter].width for i in range(1, 11)}
    assert widths["Ngày sinh"] >= 12 and widths["Họ và tên"] >= 28
    assert all(ws_.freeze_panes == "A2" for ws_ in book.worksheets)
