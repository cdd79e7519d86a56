"""Hostile and broken import files are measured before they are parsed and refused with a Vietnamese
message naming the line: a zip bomb, a sheet without <dimension> over the row cap, NUL bytes, bytes that
are not UTF-8, a field without end, a file over the upload limit. On the command line: exit code 2."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from chibo.dataio import readers
from chibo.dataio.models import ImportJob
from chibo.dataio.services import import_data
from chibo.members.models import Member
from tests.dataio.helpers import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

ROW = ["H1", "Mai Văn Một", "Nam", "", "", "", "", "01/01/2010", "", ""]


def _sheet_xml(rows: int, *, dimension: bool) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in ROW)
    body = "".join(f'<row r="{i}">{cells}</row>' for i in range(2, rows + 2))
    dim = f'<dimension ref="A1:J{rows + 1}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{_header_row()}{body}</sheetData></worksheet>"
    ).encode()


def _header_row() -> str:
    from chibo.dataio.formats import FORMATS

    cells = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in FORMATS["members"].headers)
    return f'<row r="1">{cells}</row>'


def workbook_with_sheet(xml: bytes) -> bytes:
    """A real workbook (made by openpyxl) whose first sheet is replaced by `xml`."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes({"members": [ROW]})))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = xml if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            target.writestr(info.filename, data)
    return out.getvalue()


def refused(data: bytes, filename: str) -> list[str]:
    result = import_data(data=data, filename=filename, kind="members", dry_run=True)
    assert not result.ok
    return [str(e) for e in result.errors]


def cli_refused(tmp_path, data: bytes, filename: str, capsys) -> str:
    path = tmp_path / filename
    path.write_bytes(data)
    with pytest.raises(CommandError) as exit_:
        call_command("import_data", "members", str(path))
    assert exit_.value.returncode == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Error" not in err
    assert not Member.objects.filter(card_number__startswith="H").exists()
    return err


def test_a_workbook_that_inflates_past_the_limit_is_refused_before_it_is_parsed(monkeypatch, tmp_path, capsys):
    bomb = workbook_with_sheet(_sheet_xml(20_000, dimension=True))
    assert len(bomb) < 300_000  # small on the wire, several MB of XML inside
    import openpyxl

    def never(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with override_settings(CHIBO_IMPORT_MAX_UNZIPPED_MB=1):
        [message] = refused(bomb, "bom.xlsx")
        assert "quá giới hạn 1 MB" in message and "CHIBO_IMPORT_MAX_UNZIPPED_MB" in message
        assert "quá giới hạn 1 MB" in cli_refused(tmp_path, bomb, "bom.xlsx", capsys)


def test_a_sheet_without_dimension_is_counted_and_refused_over_the_row_cap(tmp_path, capsys):
    data = workbook_with_sheet(_sheet_xml(1_500, dimension=False))
    assert readers.count_rows(data, "x.xlsx") == 1_500
    with override_settings(CHIBO_IMPORT_MAX_ROWS=1_000):
        [message] = refused(data, "nhieu-dong.xlsx")
        assert message.startswith("Dòng 1: Tệp có hơn 1.000 dòng dữ liệu")
        assert "hơn 1.000 dòng" in cli_refused(tmp_path, data, "nhieu-dong.xlsx", capsys)
    with override_settings(CHIBO_IMPORT_MAX_ROWS=1_500):
        assert import_data(data=data, filename="x.xlsx", kind="members", dry_run=True).total_rows == 1_500


def test_a_csv_over_the_row_cap_is_refused(tmp_path, capsys):
    data = csv_bytes("members", [[f"H{i}", *ROW[1:]] for i in range(30)])
    with override_settings(CHIBO_IMPORT_MAX_ROWS=20):
        assert "hơn 20 dòng" in refused(data, "x.csv")[0]
        assert "hơn 20 dòng" in cli_refused(tmp_path, data, "x.csv", capsys)


def test_a_big_workbook_without_dimension_goes_to_the_background(client, cast):
    data = workbook_with_sheet(_sheet_xml(300, dimension=False))
    client.force_login(cast.staff)
    with override_settings(CHIBO_IMPORT_BACKGROUND_ROWS=100):
        client.post(reverse("dataio:index"), {"kind": "members", "file": SimpleUploadedFile("a.xlsx", data)})
    job = ImportJob.objects.get()
    assert job.background and job.total_rows == 300


@pytest.mark.parametrize(
    "data, expected",
    [
        (csv_bytes("members", [ROW]).replace(b"Mai", b"M\x00ai"), "Dòng 2: tệp chứa ký tự NUL"),
        (csv_bytes("members", [ROW]).replace(b"Mai V\xc4\x83n", b"Mai V\xff\xfen"), "Dòng 2: có byte không đọc được"),
        (
            csv_bytes("members", [ROW]) + b'H2,"' + b"x" * 200_000 + b"\n",
            "Dòng 3: có một ô dài hơn 131.072 ký tự",
        ),
        (csv_bytes("members", [ROW]) + b'H2,"Mai\n', "Dòng 3: không đọc được dòng CSV"),
    ],
    ids=["nul", "not-utf8", "field-without-end", "quote-without-end"],
)
def test_a_broken_csv_is_refused_naming_the_line(data, expected, tmp_path, capsys):
    [message] = refused(data, "x.csv")
    assert expected in message
    assert expected in cli_refused(tmp_path, data, "x.csv", capsys)


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 not a zip at all",
        workbook_with_sheet(b"<worksheet><sheetData><row r='1'><c t='inlineStr'><is><t>x"),
    ],
    ids=["not-a-zip", "damaged-sheet"],
)
def test_a_broken_workbook_is_refused_in_vietnamese(data, tmp_path, capsys):
    [message] = refused(data, "x.xlsx")
    assert "Không đọc được" in message and "tệp" in message
    assert "Không đọc được" in cli_refused(tmp_path, data, "x.xlsx", capsys)


def test_an_upload_over_the_size_limit_is_refused_by_the_form(client, cast):
    client.force_login(cast.staff)
    big = csv_bytes("members", [ROW]) + b"\n" * (1024 * 1024)
    with override_settings(CHIBO_IMPORT_MAX_UPLOAD_MB=1):
        response = client.post(
            reverse("dataio:index"), {"kind": "members", "file": SimpleUploadedFile("a.csv", big)}
        )
    assert response.status_code == 200
    assert "Tệp lớn hơn 1 MB, quá giới hạn tải lên" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_too_big_for_sqlite_says_it_needs_postgresql(settings):
    from django.db import connection

    data = csv_bytes("members", [[f"H{i}", *ROW[1:]] for i in range(30)])
    settings.CHIBO_SQLITE_IMPORT_MAX_ROWS = 20
    result = import_data(data=data, filename="x.csv", kind="members", dry_run=True)
    if connection.vendor == "sqlite":
        assert "với cơ sở dữ liệu SQLite mỗi lần chỉ nhập được tối đa 20 dòng" in str(result.errors[0])
        assert "Tệp có 30 dòng" in str(result.errors[0])
    else:  # PostgreSQL writes while others read and write
        assert result.ok
