"""Reading CSV (UTF-8 with or without BOM; comma or semicolon) and XLSX files into plain tables.

A file is measured before it is parsed (unzipped size, rows) against the limits in settings, and every
way a reader can fail becomes a FileProblem with a Vietnamese message: a hostile or broken file is
refused, never a traceback and never hours of work.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from chibo.common.text import thousands
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


def _too_many_rows() -> FileProblem:
    limit = settings.CHIBO_IMPORT_MAX_ROWS
    return FileProblem(
        f"Tệp có hơn {thousands(limit)} dòng dữ liệu, quá giới hạn một lần nhập (CHIBO_IMPORT_MAX_ROWS). "
        "Hãy chia thành nhiều tệp nhỏ hơn."
    )


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_csv(data: bytes, kind: str) -> list[Table]:
    if kind == ALL:
        raise FileProblem("Nhập tất cả các loại dữ liệu cần một tệp Excel (.xlsx) có mỗi loại một trang.")
    if data.count(b"\n") > settings.CHIBO_IMPORT_MAX_ROWS + 1:
        raise _too_many_rows()
    nul = data.find(b"\x00")
    if nul >= 0:
        raise FileProblem(
            f"Dòng {_line_of(data, nul)}: tệp chứa ký tự NUL, không phải tệp CSV văn bản (có thể đã hỏng, "
            "hoặc được lưu với bảng mã UTF-16). Hãy lưu lại dạng «CSV UTF-8»."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            f"Dòng {_line_of(data, exc.start)}: có byte không đọc được theo bảng mã UTF-8. Tệp CSV phải được "
            "lưu với bảng mã UTF-8 (trong Excel: «CSV UTF-8»)."
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        headers, rows = _rows(reader)
    except csv.Error as exc:
        if "field larger" in str(exc):
            raise FileProblem(
                f"Dòng {reader.line_num}: có một ô dài hơn {thousands(csv.field_size_limit())} ký tự; tệp có thể "
                "đã hỏng (thường do một dấu ngoặc kép « \" » không được đóng)."
            ) from None
        raise FileProblem(
            f"Dòng {reader.line_num}: không đọc được dòng CSV (thường do một dấu ngoặc kép « \" » không được "
            "đóng). Hãy kiểm tra lại tệp."
        ) from None
    return [Table(kind, "", headers, rows)]


# A worksheet's rows are <row …> elements, with or without a namespace prefix.
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_CHUNK = 1 << 20


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileProblem("Không đọc được tệp Excel (.xlsx): tệp hỏng hoặc không phải tệp Excel.") from None


def _check_unzipped_size(book: zipfile.ZipFile) -> None:
    # The sizes of the zip's directory; zipfile (and openpyxl through it) never reads past them.
    total = sum(info.file_size for info in book.infolist())
    limit = settings.CHIBO_IMPORT_MAX_UNZIPPED_MB
    if total > limit * 1024 * 1024:
        raise FileProblem(
            f"Tệp Excel khi giải nén lớn khoảng {thousands(total // (1024 * 1024))} MB, quá giới hạn "
            f"{thousands(limit)} MB (CHIBO_IMPORT_MAX_UNZIPPED_MB). Hãy chia tệp, hoặc lưu dạng CSV."
        )


def count_sheet_rows(book: zipfile.ZipFile, limit: int) -> int:
    """Rows of every worksheet, counted in the XML without parsing it (a sheet may have no <dimension>),
    stopping as soon as the count passes `limit`."""
    count = 0
    for info in book.infolist():
        if not _is_sheet(info.filename):
            continue
        tail = b""
        try:
            with book.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    block = tail + chunk
                    count += len(_ROW_TAG.findall(block))
                    # A tag cut by the chunk's end is found whole in the next block, never twice.
                    cut = block.rfind(b"<", max(len(block) - 64, 0))
                    if cut >= 0 and not _ROW_TAG.search(block, cut):
                        tail = block[cut:]
                    else:
                        tail = b""
                    if count > limit:
                        return count
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
            raise FileProblem(
                "Không đọc được tệp Excel (.xlsx): tệp hỏng hoặc không phải tệp Excel."
            ) from None
    return count


def _check_xlsx(data: bytes) -> None:
    book = _open_zip(data)
    with book:
        _check_unzipped_size(book)
        # Each sheet has a header row: the data rows are at most the rows counted.
        if count_sheet_rows(book, settings.CHIBO_IMPORT_MAX_ROWS + len(book.infolist())) - 1 > (
            settings.CHIBO_IMPORT_MAX_ROWS
        ):
            raise _too_many_rows()


def _sheet_rows(ws) -> tuple[list, list]:
    try:
        return _rows(ws.iter_rows(values_only=True))
    except FileProblem:
        raise
    except Exception:  # a damaged sheet fails lazily, deep inside openpyxl's XML reader
        raise FileProblem(
            f"Không đọc được trang «{ws.title}» của tệp Excel: tệp có thể đã hỏng. Hãy mở và lưu lại tệp "
            "bằng Excel hoặc LibreOffice rồi thử lại."
        ) from None


def read_xlsx(data: bytes, kind: str) -> list[Table]:
    from openpyxl import load_workbook

    _check_xlsx(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or non-Excel file
        raise FileProblem("Không đọc được tệp Excel (.xlsx); hãy kiểm tra lại tệp.") from exc
    try:
        if kind != ALL:
            sheet = next(
                (ws for ws in book.worksheets if kind_for_sheet(ws.title) == kind), book.worksheets[0]
            )
            headers, rows = _sheet_rows(sheet)
            return [Table(kind, "", headers, rows)]
        by_kind = {}
        for ws in book.worksheets:
            sheet_kind = kind_for_sheet(ws.title)
            if sheet_kind is None:
                names = ", ".join(f"«{FORMATS[k].title}»" for k in KINDS)
                raise FileProblem(
                    f"Trang «{ws.title}» không phải loại dữ liệu nào; tên trang phải là một trong: {names}."
                )
            headers, rows = _sheet_rows(ws)
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


# Above this much sheet XML a workbook goes to the background uncounted: the request does bounded work.
COUNT_IN_REQUEST_BYTES = 8 * 1024 * 1024
# Bytes of sheet XML per row, for a rough estimate of a big workbook's rows.
XML_BYTES_PER_ROW = 400


def count_rows(data: bytes, filename: str) -> int:
    """A cheap estimate of the data rows, to decide whether the import goes to the background. Bounded
    work whatever the file: a byte count for a CSV; a workbook's zip directory, and its rows counted
    only when its sheets are small (the full check runs in the job)."""
    if Path(filename).suffix.lower() == ".csv":
        return max(data.count(b"\n") - 1, 0) + (0 if data.endswith(b"\n") else 1)
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0  # refused with its message by the check
    with book:
        xml = sum(i.file_size for i in book.infolist() if _is_sheet(i.filename))
        if xml > COUNT_IN_REQUEST_BYTES:
            return xml // XML_BYTES_PER_ROW
        try:
            return max(count_sheet_rows(book, COUNT_IN_REQUEST_BYTES) - 1, 0)
        except FileProblem:
            return 0
