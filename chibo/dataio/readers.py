"""Reading CSV (UTF-8 with or without BOM; comma or semicolon) and XLSX files into plain tables."""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from chibo.dataio.formats import ALL, FORMATS, KINDS, kind_for_sheet


@dataclass
class Table:
    kind: str
    sheet: str  # the sheet's title in a workbook, "" for a CSV or single-sheet file
    headers: list
    rows: list[tuple[int, tuple]] = field(default_factory=list)  # (row number as the user sees it, values)


class FileProblem(ValueError):
    """The file as a whole cannot be read (wrong type, encoding, sheet names)."""


def _blank(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _rows(iterable) -> tuple[list, list]:
    headers: list = []
    rows: list = []
    for number, values in enumerate(iterable, start=1):
        if number == 1:
            headers = list(values)
            continue
        if values and not _blank(values):
            rows.append((number, tuple(values)))
    return headers, rows


def read_csv(data: bytes, kind: str) -> list[Table]:
    if kind == ALL:
        raise FileProblem("Nhập tất cả các loại dữ liệu cần một tệp Excel (.xlsx) có mỗi loại một trang.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem("Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel: «CSV UTF-8»).") from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    headers, rows = _rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return [Table(kind, "", headers, rows)]


def read_xlsx(data: bytes, kind: str) -> list[Table]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or non-Excel file
        raise FileProblem("Không đọc được tệp Excel (.xlsx); hãy kiểm tra lại tệp.") from exc
    try:
        if kind != ALL:
            sheet = next(
                (ws for ws in book.worksheets if kind_for_sheet(ws.title) == kind), book.worksheets[0]
            )
            headers, rows = _rows(sheet.iter_rows(values_only=True))
            return [Table(kind, "", headers, rows)]
        by_kind = {}
        for ws in book.worksheets:
            sheet_kind = kind_for_sheet(ws.title)
            if sheet_kind is None:
                names = ", ".join(f"«{FORMATS[k].title}»" for k in KINDS)
                raise FileProblem(
                    f"Trang «{ws.title}» không phải loại dữ liệu nào; tên trang phải là một trong: {names}."
                )
            headers, rows = _rows(ws.iter_rows(values_only=True))
            by_kind[sheet_kind] = Table(sheet_kind, ws.title, headers, rows)
        if not by_kind:
            raise FileProblem("Tệp Excel không có trang nào.")
        return [by_kind[k] for k in KINDS if k in by_kind]
    finally:
        book.close()


def read_tables(data: bytes, filename: str, kind: str) -> list[Table]:
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        return read_csv(data, kind)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(data, kind)
    raise FileProblem("Chỉ nhận tệp .csv hoặc .xlsx.")


def count_rows(data: bytes, filename: str) -> int:
    """A cheap estimate of the data rows, to decide whether the import goes to the background."""
    if Path(filename).suffix.lower() == ".csv":
        return max(data.count(b"\n") - 1, 0) + (0 if data.endswith(b"\n") else 1)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True)
    except Exception:
        return 0
    try:
        return sum(max((ws.max_row or 1) - 1, 0) for ws in book.worksheets)
    finally:
        book.close()
