"""The import/export formats: one table per kind, Vietnamese headers, cell values as users type them.

docs/import-formats.md describes the same tables for people; keep the two in step.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from chibo.common.dates import parse_time as read_time
from chibo.common.text import fold
from chibo.meetings.models import AttendanceStatus, MeetingKind, MeetingStatus
from chibo.members.models import Gender, MembershipKind, PositionKind, TrainingKind, WorkStatus
from chibo.orgs.models import CellKind, OrgKind
from chibo.resolutions.models import ResolutionKind, TaskStatus
from chibo.training.models import ParticipationStatus


class CellError(ValueError):
    """A value that cannot be read; the message is shown to the user as is."""


@dataclass(frozen=True)
class Choice:
    """A choice column: accepts the code, the label and a few short forms, without regard to case or
    diacritics; exports the label."""

    values: dict[str, str]  # code -> label written on export

    def aliases(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for code, label in self.values.items():
            forms = {code, label, re.sub(r"\s*\(.*\)\s*", "", label)}
            forms |= {part for form in list(forms) for part in form.split("/")}
            forms |= {form.removeprefix("Sinh hoạt ").removeprefix("sinh hoạt ") for form in list(forms)}
            for form in forms:
                key = fold(form)
                if key:
                    found[key] = code
        return found


def _labels(choices) -> dict[str, str]:
    return {str(c.value): str(c.label) for c in choices}


ORG_KIND = Choice(_labels(OrgKind))
CELL_KIND = Choice(_labels(CellKind))
GENDER = Choice(_labels(Gender))
WORK_STATUS = Choice(_labels(WorkStatus))
MEMBERSHIP_KIND = Choice({MembershipKind.OFFICIAL: "chính thức", MembershipKind.TEMPORARY: "tạm thời"})
POSITION_KIND = Choice(_labels(PositionKind))
TRAINING_KIND = Choice(_labels(TrainingKind))
MEETING_KIND = Choice(_labels(MeetingKind))
ATTENDANCE_STATUS = Choice(_labels(AttendanceStatus))
# A past meeting was held or cancelled (planned and open meetings are not imported).
PAST_MEETING_STATUS = Choice(
    {
        MeetingStatus.HELD: str(MeetingStatus.HELD.label),
        MeetingStatus.CANCELLED: str(MeetingStatus.CANCELLED.label),
    }
)
RESOLUTION_KIND = Choice(_labels(ResolutionKind))
TASK_STATUS = Choice(_labels(TaskStatus))
PARTICIPATION_STATUS = Choice(_labels(ParticipationStatus))


@dataclass(frozen=True)
class Column:
    header: str
    attr: str
    required: bool = False
    type: str = "text"  # text, name, date, time, datetime, bool, choice, citizen_id, int
    choice: Choice | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class Format:
    kind: str
    title: str  # the sheet name in a workbook, and the label in pages
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default=())

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


CARD = Column("Số thẻ đảng viên", "card", required=True, max_length=20)
CELL = Column("Mã chi bộ", "cell", required=True, max_length=40)
FROM = Column("Từ ngày", "valid_from", required=True, type="date")
UNTIL = Column("Đến ngày", "valid_until", type="date")
MEETING_TYPE = Column("Loại sinh hoạt", "kind", required=True, type="choice", choice=MEETING_KIND)
DAY = Column("Ngày", "day", required=True, type="date")

FORMATS: dict[str, Format] = {
    f.kind: f
    for f in (
        Format(
            "orgs",
            "Tổ chức",
            (
                Column("Mã tổ chức", "code", required=True, max_length=40),
                Column("Tên tổ chức", "name", required=True, max_length=255),
                Column("Loại tổ chức", "kind", required=True, type="choice", choice=ORG_KIND),
                Column("Mã cấp trên", "parent", max_length=40),
                Column("Loại hình chi bộ", "cell_kind", type="choice", choice=CELL_KIND),
                Column("Ngày thành lập", "founded_on", type="date"),
                Column("Ngày giải thể", "dissolved_on", type="date"),
                Column("Địa chỉ", "address", max_length=255),
            ),
            key=("code",),
        ),
        Format(
            "members",
            "Đảng viên",
            (
                CARD,
                Column("Họ và tên", "full_name", required=True, type="name", max_length=120),
                Column("Giới tính", "gender", required=True, type="choice", choice=GENDER),
                Column("Ngày sinh", "birth_date", type="date"),
                Column("Số CCCD", "citizen_id", type="citizen_id"),
                Column("Điện thoại", "phone", max_length=20),
                Column("Thư điện tử", "email", type="email", max_length=254),
                Column("Ngày vào Đảng", "admitted_on", required=True, type="date"),
                Column("Ngày chính thức", "official_on", type="date"),
                Column("Tình trạng công tác", "work_status", type="choice", choice=WORK_STATUS),
            ),
            key=("card",),
        ),
        Format(
            "memberships",
            "Sinh hoạt đảng",
            (
                CARD,
                CELL,
                Column("Hình thức", "kind", type="choice", choice=MEMBERSHIP_KIND),
                FROM,
                UNTIL,
                Column("Ghi chú", "note", max_length=255),
            ),
            key=("card", "cell", "kind", "valid_from"),
        ),
        Format(
            "positions",
            "Chức vụ",
            (
                CARD,
                CELL,
                Column("Chức vụ", "kind", required=True, type="choice", choice=POSITION_KIND),
                FROM,
                UNTIL,
                Column("Số quyết định", "decision_ref", max_length=60),
            ),
            key=("card", "cell", "kind", "valid_from"),
        ),
        Format(
            "exemptions",
            "Miễn sinh hoạt",
            (
                CARD,
                FROM,
                UNTIL,
                Column("Lý do", "reason", required=True, max_length=255),
                Column("Số quyết định", "decision_ref", max_length=60),
            ),
            key=("card", "valid_from"),
        ),
        Format(
            "trainings",
            "Bồi dưỡng",
            (
                CARD,
                Column("Tên lớp", "course_title", required=True, max_length=255),
                Column("Loại", "kind", type="choice", choice=TRAINING_KIND),
                Column("Đơn vị tổ chức", "organiser", max_length=255),
                FROM,
                UNTIL,
                Column("Hoàn thành", "completed", type="bool"),
            ),
            key=("card", "course_title", "valid_from"),
        ),
        # Who follows which unit (DOMAIN §9): chibo/dataio/supervision_import.py checks them. Before the
        # meetings, whose "Cấp ủy viên dự" column names an assigned supervisor.
        Format(
            "supervision",
            "Phân công theo dõi",
            (
                CARD,
                Column("Mã cấp ủy phân công", "committee", required=True, max_length=40),
                Column("Mã đơn vị theo dõi", "unit", required=True, max_length=40),
                FROM,
                UNTIL,
                Column("Ghi chú", "note", max_length=255),
            ),
            key=("card", "unit", "valid_from"),
        ),
        # Past meetings and their roll calls (issue 3 §8): chibo/dataio/meetings_import.py checks them.
        Format(
            "meetings",
            "Buổi sinh hoạt",
            (
                CELL,
                MEETING_TYPE,
                DAY,
                Column("Giờ bắt đầu", "start", required=True, type="time"),
                Column("Giờ kết thúc", "end", type="time"),
                Column("Địa điểm", "place", max_length=255),
                Column("Nội dung", "topic", max_length=255),
                Column("Chủ trì", "chair", max_length=20),
                Column("Thư ký", "minute_taker", max_length=20),
                Column("Số biên bản", "minutes_number", max_length=40),
                # Everything else a paper minutes book holds that an indicator reads (DOMAIN §8).
                Column("Trạng thái", "status", type="choice", choice=PAST_MEETING_STATUS),
                Column("Lý do hủy", "cancel_reason", max_length=255),
                Column("Lý do họp thêm", "extra_reason", max_length=255),
                Column("Gửi tài liệu lúc", "materials_sent_at", type="datetime"),
                Column("Các bước đã thực hiện", "steps_done", max_length=4000),
                Column("Các bước chưa thực hiện", "steps_missed", max_length=4000),
                Column("Ngày thông qua biên bản", "minutes_approved_on", type="date"),
                Column("Loại văn bản", "resolution_kind", type="choice", choice=RESOLUTION_KIND),
                Column("Số nghị quyết/kết luận", "resolution_number", max_length=40),
                Column("Ngày nghị quyết/kết luận", "resolution_issued_on", type="date"),
                Column("Cấp ủy viên dự", "supervisors", max_length=200),
            ),
            key=("cell", "kind", "day", "start"),
        ),
        Format(
            "attendances",
            "Điểm danh",
            (
                CELL,
                MEETING_TYPE,
                DAY,
                Column("Giờ bắt đầu", "start", type="time"),
                CARD,
                Column("Điểm danh", "status", required=True, type="choice", choice=ATTENDANCE_STATUS),
                Column("Lý do", "reason", max_length=255),
                Column("Người chấp nhận lý do", "accepted_by", max_length=120),
                Column("Đến muộn lúc", "arrived_late_at", type="time"),
                Column("Về sớm lúc", "left_early_at", type="time"),
            ),
            key=("cell", "kind", "day", "start", "card"),
        ),
        # Tasks given at past meetings (issue 4): chibo/dataio/tasks_import.py checks them.
        Format(
            "tasks",
            "Nhiệm vụ",
            (
                CELL,
                Column("Ngày sinh hoạt", "day", required=True, type="date"),
                Column("Loại sinh hoạt", "kind", type="choice", choice=MEETING_KIND),
                CARD,
                Column("Nội dung nhiệm vụ", "text", required=True, max_length=2000),
                Column("Hạn hoàn thành", "due_on", required=True, type="date"),
                Column("Trạng thái", "status", required=True, type="choice", choice=TASK_STATUS),
                Column("Tiến độ (%)", "progress", type="int"),
                Column("Đánh giá của chi bộ", "evaluation", max_length=2000),
                Column("Ngày đánh giá", "evaluated_on", type="date"),
            ),
            key=("cell", "day", "kind", "card", "text"),
        ),
        # Courses and their participants (docs/training.md §3): chibo/dataio/training_import.py checks them.
        Format(
            "courses",
            "Lớp bồi dưỡng",
            (
                Column("Mã cấp ủy tổ chức", "organiser", required=True, max_length=40),
                Column("Tên lớp", "title", required=True, max_length=255),
                Column("Loại", "kind", type="choice", choice=TRAINING_KIND),
                Column("Từ ngày", "starts_on", required=True, type="date"),
                Column("Đến ngày", "ends_on", required=True, type="date"),
                Column("Địa điểm", "place", max_length=255),
                Column("Trực tuyến", "online", type="bool"),
                Column("Số giờ", "hours", type="int"),
                CARD,
                Column("Họ và tên", "full_name", type="name", max_length=120),
                Column("Trạng thái", "status", type="choice", choice=PARTICIPATION_STATUS),
                Column("Số chứng chỉ", "certificate_number", max_length=60),
                Column("Ngày hoàn thành", "completed_on", type="date"),
            ),
            key=("organiser", "title", "starts_on", "card"),
        ),
    )
}
# Dependency order: a workbook's sheets are read in this order, whatever their order in the file.
KINDS = list(FORMATS)
ALL = "all"
KIND_CHOICES = [(k, FORMATS[k].title) for k in KINDS] + [(ALL, "Tất cả (tệp Excel nhiều trang)")]


def kind_for_sheet(title: str) -> str | None:
    key = fold(title)
    return next((k for k, f in FORMATS.items() if fold(f.title) == key or k == key), None)


_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_TRUE = {"co", "x", "1", "true", "yes", "dat", "hoan thanh"}
_FALSE = {"khong", "0", "false", "no", "chua", "chua hoan thanh"}


def text_of(value) -> str:
    """A cell as text: numbers typed in Excel arrive as int/float; dates only through parse_date."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_DAYS: dict[str, dt.date] = {}


def parse_date(value) -> dt.date | None:
    if value.__class__ is str:
        # The common case, dd/mm/yyyy: a big file repeats the same few thousand dates, so remember them.
        day = _DAYS.get(value)
        if day is not None:
            return day
        if len(value) == 10 and value[2] == "/" and value[5] == "/":
            try:
                day = dt.date(int(value[6:]), int(value[3:5]), int(value[:2]))
            except ValueError:
                day = None
            if day is not None:
                if len(_DAYS) < 100_000:
                    _DAYS[value] = day
                return day
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = text_of(value)
    if not text:
        return None
    m = _DATE.match(text)
    if m:
        try:
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            pass
    raise CellError(f"Ngày không hợp lệ «{text}»: hãy ghi theo dạng dd/mm/yyyy, ví dụ 05/03/2024.")


def parse_time(value) -> dt.time | None:
    """A time cell, read by the one time parser (common.dates.parse_time: HH:MM, 7:30, 19h30, 19:30:00,
    an Excel time or fraction of a day), with the import's message."""
    try:
        return read_time(value)
    except ValueError:
        raise CellError(
            f"Giờ không hợp lệ «{text_of(value)}»: hãy ghi theo dạng HH:MM, ví dụ 19:30."
        ) from None


def parse_datetime(value) -> dt.datetime | None:
    """A moment: «dd/mm/yyyy HH:MM» or «HH:MM dd/mm/yyyy» (with «ngày» or «lúc» between if wanted), or
    an Excel date-time cell. A date alone is refused: T2 counts hours, so the hour matters."""
    if isinstance(value, dt.datetime):
        return value.replace(second=0, microsecond=0)
    text = text_of(value)
    if not text:
        return None
    words = [w for w in re.split(r"[\s,]+", text) if fold(w) not in ("ngay", "luc", "")]
    day = at = None
    problem = f"Thời điểm không hợp lệ «{text}»: hãy ghi ngày và giờ, ví dụ «14/03/2024 08:00»."
    if len(words) != 2:
        raise CellError(problem)
    for first, second in ((0, 1), (1, 0)):
        try:
            day, at = parse_date(words[first]), parse_time(words[second])
        except CellError:
            continue
        break
    if day is None or at is None:
        raise CellError(problem)
    return dt.datetime.combine(day, at)


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = fold(text_of(value))
    if text in _TRUE:
        return True
    if text in _FALSE or text == "":
        return False
    raise CellError(f"Giá trị «{text_of(value)}» không hợp lệ: ghi «có» hoặc «không».")


_ALIASES: dict[int, dict[str, str]] = {}


_SEEN: dict[tuple[int, str], str] = {}


def parse_choice(value, choice: Choice) -> str:
    # The same few spellings repeat on every row: remember each one's code.
    code = _SEEN.get((id(choice), value)) if value.__class__ is str else None
    if code is not None:
        return code
    aliases = _ALIASES.get(id(choice))
    if aliases is None:
        aliases = _ALIASES[id(choice)] = choice.aliases()
    text = text_of(value)
    code = aliases.get(fold(text))
    if code is not None and value.__class__ is str and len(_SEEN) < 10000:
        _SEEN[id(choice), value] = code
    if code is None:
        accepted = ", ".join(f"«{label}»" for label in choice.values.values())
        raise CellError(f"Giá trị «{text}» không hợp lệ; chấp nhận: {accepted}.")
    return code


_INT = re.compile(r"^-?\d+$")


def parse_int(value) -> int:
    """A whole number (Excel sends 50.0; a percent sign is allowed: «50%»)."""
    if isinstance(value, bool):
        raise CellError(f"Giá trị «{value}» không phải là số nguyên.")
    if isinstance(value, int):
        return value
    text = text_of(value).removesuffix("%").strip()
    if not _INT.match(text):
        raise CellError(f"Giá trị «{text_of(value)}» không phải là số nguyên.")
    return int(text)


_DIGITS12 = re.compile(r"^\d{12}$")


def parse_citizen_id(value) -> str:
    text = text_of(value).replace(" ", "")
    if text and not _DIGITS12.match(text):
        hint = ""
        if isinstance(value, int | float):
            hint = " (Excel bỏ số 0 ở đầu ô kiểu số: hãy định dạng cột là Văn bản)"
        raise CellError(f"Số CCCD «{text}» phải gồm đúng 12 chữ số{hint}.")
    return text


def format_value(value, column: Column, *, for_xlsx: bool):
    """The exported form of a model value: the inverse of the parsers above."""
    if value is None or value == "":
        return None if for_xlsx else ""
    if column.type == "date":
        return value if for_xlsx else value.strftime("%d/%m/%Y")
    if column.type == "time":
        return value.strftime("%H:%M")
    if column.type == "datetime":
        return value.strftime("%d/%m/%Y %H:%M")
    if column.type == "bool":
        return "có" if value else "không"
    if column.type == "int":
        return value if for_xlsx else str(value)
    if column.type == "choice":
        return column.choice.values.get(value, value)
    return str(value)
