"""Importing courses and participants from XLSX (docs/training.md): one sheet, one row per participant,
the course's columns repeated on each row. All or nothing: every bad row is reported with its row and
column, and nothing is written unless the whole file is good. A dry run checks without writing.

Cell parsing reuses chibo/dataio/formats.py (dates dd/mm/yyyy, choices with or without diacritics)."""

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from chibo.common.dates import today
from chibo.common.text import fold
from chibo.dataio.formats import (
    CellError,
    Choice,
    parse_bool,
    parse_choice,
    parse_date,
    parse_int,
    text_of,
)
from chibo.members.models import Member, TrainingKind
from chibo.members.selectors import current_membership
from chibo.orgs.models import Organisation
from chibo.training import rules, services
from chibo.training.models import Course, ParticipationStatus

MAX_ROWS = 5000

# (header, key, required)
COLUMNS = [
    ("Mã cấp ủy tổ chức", "organiser", True),
    ("Tên lớp", "title", True),
    ("Loại", "kind", False),
    ("Từ ngày", "starts_on", True),
    ("Đến ngày", "ends_on", True),
    ("Địa điểm", "place", False),
    ("Trực tuyến", "online", False),
    ("Số giờ", "hours", False),
    ("Số thẻ đảng viên", "card_number", True),
    ("Họ và tên", "full_name", False),
    ("Trạng thái", "status", False),
    ("Số chứng chỉ", "certificate_number", False),
    ("Ngày hoàn thành", "completed_on", False),
]
HEADER_OF = {key: header for header, key, _ in COLUMNS}
KIND = Choice({str(c.value): str(c.label) for c in TrainingKind})
STATUS = Choice({str(c.value): str(c.label) for c in ParticipationStatus})


@dataclass
class RowError:
    row: int
    column: str  # the header, "" for the file as a whole
    message: str

    def __str__(self) -> str:
        where = f"Dòng {self.row}" + (f", cột «{self.column}»" if self.column else "")
        return f"{where}: {self.message}" if self.row else self.message


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    courses_new: int = 0
    courses_existing: int = 0
    enrolled: int = 0
    updated: int = 0
    rows: int = 0
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    course_key: tuple
    course: dict
    member: Member
    cell: Organisation
    status: str | None
    certificate_number: str
    completed_on: dt.date | None


def _read(data: bytes, result: ImportResult) -> tuple[list, list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged or non-Excel file
        result.errors.append(RowError(0, "", "Không đọc được tệp Excel (.xlsx); hãy kiểm tra lại tệp."))
        return [], []
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True, max_row=MAX_ROWS + 1))
    finally:
        book.close()
    if not rows:
        result.errors.append(RowError(0, "", "Tệp Excel không có dữ liệu."))
        return [], []
    return list(rows[0]), rows[1:]


def _header_map(headers: list, result: ImportResult) -> dict[str, int]:
    known = {fold(h): key for h, key, _ in COLUMNS}
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        text = text_of(header)
        key = known.get(fold(text))
        if key in found:
            result.errors.append(RowError(1, text, "Cột bị lặp lại."))
        elif key:
            found[key] = index
        elif text:
            # Unknown columns are refused, so a mistyped header never drops data silently.
            result.errors.append(RowError(1, text, "Cột không có trong định dạng (docs/training.md)."))
    for header, key, required in COLUMNS:
        if required and key not in found:
            result.errors.append(RowError(1, header, "Thiếu cột bắt buộc."))
    return found


def _cell(values, index: int | None):
    return values[index] if index is not None and index < len(values) else None


def import_courses(
    data: bytes, *, may_write: Callable[[Organisation], bool], by=None, dry_run: bool = False
) -> ImportResult:
    """`may_write(org)` says whether the importing user may organise at or enrol from `org`."""
    result = ImportResult()
    headers, raw_rows = _read(data, result)
    if result.errors:
        return result
    columns = _header_map(headers, result)
    if result.errors:
        return result
    if len(raw_rows) > MAX_ROWS:
        result.errors.append(RowError(0, "", f"Tệp có quá {MAX_ROWS} dòng; hãy chia thành nhiều tệp."))
        return result
    orgs = {o.code: o for o in Organisation.objects.all().filter(code__in=_codes(raw_rows, columns))}
    members = {
        m.card_number: m
        for m in Member.objects.filter(
            card_number__in={text_of(_cell(v, columns["card_number"])) for v in raw_rows}
        )
    }
    rows: list[_Row] = []
    seen: set[tuple] = set()
    for number, values in enumerate(raw_rows, start=2):
        if all(v is None or text_of(v) == "" for v in values):
            continue
        row = _parse_row(number, values, columns, orgs, members, may_write, result)
        if row is None:
            continue
        key = (row.course_key, row.member.pk)
        if key in seen:
            result.errors.append(
                RowError(number, HEADER_OF["card_number"], "Đảng viên đã có ở một dòng trước của cùng lớp.")
            )
            continue
        seen.add(key)
        rows.append(row)
    result.rows = len(rows)
    if result.errors:
        return result
    try:
        with transaction.atomic():
            _apply(rows, result, by)
            if dry_run:
                transaction.set_rollback(True)
    except _RowFailed as failed:
        result.errors.append(failed.error)
        result.courses_new = result.courses_existing = result.enrolled = result.updated = 0
        return result
    result.written = not dry_run
    return result


def _codes(raw_rows, columns) -> set[str]:
    return {text_of(_cell(v, columns["organiser"])) for v in raw_rows}


def _parse_row(number, values, columns, orgs, members, may_write, result) -> _Row | None:
    errors_before = len(result.errors)
    parsed: dict = {}

    def read(key, parser, required=False):
        value = _cell(values, columns.get(key))
        if text_of(value) == "" and not isinstance(value, dt.date):
            if required:
                result.errors.append(RowError(number, HEADER_OF[key], "Không được để trống."))
            parsed[key] = None
            return
        try:
            parsed[key] = parser(value)
        except CellError as exc:
            result.errors.append(RowError(number, HEADER_OF[key], str(exc)))
            parsed[key] = None

    read("organiser", text_of, True)
    read("title", text_of, True)
    read("kind", lambda v: parse_choice(v, KIND))
    read("starts_on", parse_date, True)
    read("ends_on", parse_date, True)
    read("place", text_of)
    read("online", parse_bool)
    read("hours", parse_int)
    read("card_number", text_of, True)
    read("full_name", text_of)
    read("status", lambda v: parse_choice(v, STATUS))
    read("certificate_number", text_of)
    read("completed_on", parse_date)

    organiser = orgs.get(parsed["organiser"]) if parsed["organiser"] else None
    if parsed["organiser"] and (organiser is None or not may_write(organiser)):
        result.errors.append(
            RowError(
                number,
                HEADER_OF["organiser"],
                f"Không có cấp ủy mã «{parsed['organiser']}» trong phạm vi bạn được tổ chức lớp.",
            )
        )
        organiser = None
    if parsed["starts_on"] and parsed["ends_on"]:
        problem = rules.course_dates_problem(parsed["starts_on"], parsed["ends_on"])
        if problem:
            result.errors.append(RowError(number, HEADER_OF["ends_on"], problem[1].split(": ", 1)[-1]))
    if parsed["hours"] is not None and not 0 < parsed["hours"] <= 2000:
        result.errors.append(RowError(number, HEADER_OF["hours"], "Số giờ phải từ 1 đến 2000."))
    if len(parsed["title"] or "") > 255:
        result.errors.append(RowError(number, HEADER_OF["title"], "Dài quá 255 ký tự."))
    member = members.get(parsed["card_number"]) if parsed["card_number"] else None
    cell = None
    if parsed["card_number"] and member is None:
        result.errors.append(
            RowError(
                number, HEADER_OF["card_number"], f"Không có đảng viên số thẻ «{parsed['card_number']}»."
            )
        )
    elif member is not None:
        membership = current_membership(member, today())
        cell = membership.cell if membership else None
        if cell is None or not may_write(cell):
            result.errors.append(
                RowError(
                    number,
                    HEADER_OF["card_number"],
                    f"Đảng viên số thẻ «{parsed['card_number']}» không thuộc chi bộ nào bạn quản lý.",
                )
            )
            cell = None
        elif organiser is not None and not cell.path.startswith(organiser.path):
            result.errors.append(
                RowError(
                    number,
                    HEADER_OF["card_number"],
                    f"Chi bộ «{cell.name}» của đảng viên không thuộc phạm vi của cấp ủy tổ chức lớp.",
                )
            )
        if parsed["full_name"] and fold(parsed["full_name"]) != fold(member.full_name):
            result.errors.append(
                RowError(
                    number,
                    HEADER_OF["full_name"],
                    f"Họ tên «{parsed['full_name']}» không khớp với số thẻ (trong hồ sơ: {member.full_name}).",
                )
            )
    status = parsed["status"]
    if status and parsed["starts_on"]:
        problem = rules.attendance_problem(
            status=status, starts_on=parsed["starts_on"], today=today()
        ) or rules.completion_problem(
            status=status, completed_on=parsed["completed_on"], starts_on=parsed["starts_on"], today=today()
        )
        if problem:
            column = HEADER_OF["completed_on"] if problem[0] == "completed_on" else HEADER_OF["status"]
            result.errors.append(RowError(number, column, problem[1].split(": ", 1)[-1]))
    if len(result.errors) > errors_before:
        return None
    course = {
        "organiser": organiser,
        "title": parsed["title"],
        "kind": parsed["kind"] or TrainingKind.PARTY_WORK,
        "starts_on": parsed["starts_on"],
        "ends_on": parsed["ends_on"],
        "place": parsed["place"] or "",
        "online": bool(parsed["online"]),
        "hours": parsed["hours"],
    }
    return _Row(
        number,
        (organiser.pk, fold(parsed["title"]), parsed["starts_on"]),
        course,
        member,
        cell,
        status,
        parsed["certificate_number"] or "",
        parsed["completed_on"],
    )


class _RowFailed(Exception):
    def __init__(self, error: RowError):
        self.error = error


def _first_message(exc: ValidationError) -> tuple[str, str]:
    if hasattr(exc, "error_dict"):
        key, errors = next(iter(exc.error_dict.items()))
        return key, errors[0].messages[0]
    return "", exc.messages[0]


def _apply(rows: list[_Row], result: ImportResult, by) -> None:
    courses: dict[tuple, Course] = {}
    for row in rows:
        try:
            course = courses.get(row.course_key)
            if course is None:
                organiser = row.course["organiser"]
                course = next(
                    (
                        c
                        for c in Course.objects.filter(organiser=organiser, starts_on=row.course["starts_on"])
                        if fold(c.title) == row.course_key[1]
                    ),
                    None,
                )
                if course is None:
                    course = services.course_create(by=by, **row.course)
                    result.courses_new += 1
                else:
                    result.courses_existing += 1
                courses[row.course_key] = course
            participation = course.participations.filter(member=row.member).first()
            if participation is None:
                created, _ = services.participations_enrol(
                    course=course, people=[(row.member, row.cell)], by=by, allow_past=True
                )
                participation = created[0]
                result.enrolled += 1
            if row.status and (
                row.status != participation.status
                or row.certificate_number != participation.certificate_number
                or (row.completed_on and row.completed_on != participation.completed_on)
            ):
                services.participation_set_status(
                    participation=participation,
                    status=row.status,
                    certificate_number=row.certificate_number,
                    completed_on=row.completed_on,
                    by=by,
                )
                result.updated += 1
        except ValidationError as exc:
            key, message = _first_message(exc)
            column = HEADER_OF.get(key, "")
            raise _RowFailed(RowError(row.number, column, message)) from exc
