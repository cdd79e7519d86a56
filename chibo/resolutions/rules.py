"""Pure rules for tasks and T5 coverage: no database, so the web, the API, imports and the indicators
engine share them and tests need no fixtures."""

import datetime as dt
import re
from dataclasses import dataclass, field

from chibo.common.files import content_matches, mismatch_words
from chibo.members.models import WorkStatus
from chibo.resolutions.models import ACTIVE_STATUSES, ResolutionKind, TaskStatus

NOTE_MAX_BYTES = 10 * 1024 * 1024
# Served back only as downloads (Content-Disposition: attachment) with these types: nothing executes.
NOTE_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
DUE_SOON_DAYS = 3
NUMBER_SUFFIX = {ResolutionKind.RESOLUTION: "-NQ/CB", ResolutionKind.CONCLUSION: "-KL/CB"}
_NUMBER_HEAD = re.compile(r"^\s*(\d+)")


@dataclass
class Coverage:
    """T5 for one cell on one day (DOMAIN §8 `task_coverage_rate`): working, non-exempt members on the
    roster, split by whether they hold a task from a resolution/conclusion of the cell's meetings of the
    month. Retired (not working) and exempted members are listed apart, never as gaps."""

    covered: list = field(default_factory=list)
    gaps: list = field(default_factory=list)
    not_working: list = field(default_factory=list)
    exempt: list = field(default_factory=list)

    @property
    def numerator(self) -> int:
        return len(self.covered)

    @property
    def denominator(self) -> int:
        return len(self.covered) + len(self.gaps)


def classify_coverage(roster, tasked_member_ids) -> Coverage:
    """`roster`: members with `is_exempt` (as `members.selectors.roster_on` gives them), in display order.
    Exemption wins over work status: an exempted retiree is listed as exempted."""
    tasked = set(tasked_member_ids)
    result = Coverage()
    for member in roster:
        if member.is_exempt:
            result.exempt.append(member)
        elif member.work_status != WorkStatus.WORKING:
            result.not_working.append(member)
        elif member.pk in tasked:
            result.covered.append(member)
        else:
            result.gaps.append(member)
    return result


def task_problem(*, text: str, due_on: dt.date | None, meeting_day: dt.date) -> dict | None:
    """Field errors for a new task, or None."""
    errors = {}
    if not (text or "").strip():
        errors["text"] = "Nội dung nhiệm vụ: không được để trống."
    if due_on is None:
        errors["due_on"] = "Hạn hoàn thành: hãy nhập ngày (dd/mm/yyyy)."
    elif due_on < meeting_day:
        errors["due_on"] = f"Hạn hoàn thành: không được trước ngày sinh hoạt {meeting_day:%d/%m/%Y}."
    return errors or None


def progress_problem(progress) -> str | None:
    if progress is None:
        return None
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        return "Tiến độ: phải là số nguyên từ 0 đến 100 (%)."
    return None


def note_file_problem(name: str, size: int, data: bytes | None = None) -> str | None:
    """`data`, when given, must be what the extension says (chibo.common.files)."""
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in (name or "") else ""
    if ext not in NOTE_EXTENSIONS:
        return "Tệp đính kèm: chỉ nhận PDF, DOCX, XLSX hoặc ảnh (JPG, PNG, WEBP)."
    if size == 0:
        return "Tệp đính kèm: tệp rỗng."
    if size > NOTE_MAX_BYTES:
        return (
            f"Tệp đính kèm: dung lượng tối đa {NOTE_MAX_BYTES // (1024 * 1024)} MB; "
            f"tệp này {size / (1024 * 1024):.1f} MB."
        )
    if data is not None and not content_matches(ext, data):
        return f"Tệp đính kèm: {mismatch_words(ext)}."
    return None


def member_may_update(status: str) -> bool:
    """The assignee acts on a task until the cell evaluates it (done by the member is still open)."""
    return status in (*ACTIVE_STATUSES, TaskStatus.DONE)


EVALUATION_OUTCOMES = (TaskStatus.DONE, TaskStatus.NOT_DONE, TaskStatus.CARRIED_OVER)


def evaluation_problem(*, outcome: str, new_due_on: dt.date | None, meeting_day: dt.date) -> dict | None:
    if outcome not in EVALUATION_OUTCOMES:
        return {"outcome": "Kết quả đánh giá: chọn Hoàn thành, Không hoàn thành hoặc Chuyển kỳ sau."}
    if outcome == TaskStatus.CARRIED_OVER:
        if new_due_on is None:
            return {"new_due_on": "Hạn mới: nhiệm vụ chuyển kỳ sau cần hạn hoàn thành mới (dd/mm/yyyy)."}
        if new_due_on <= meeting_day:
            return {"new_due_on": f"Hạn mới: phải sau ngày sinh hoạt {meeting_day:%d/%m/%Y}."}
    return None


def is_due_soon(*, status: str, due_on: dt.date, today: dt.date) -> bool:
    return status in ACTIVE_STATUSES and today <= due_on <= today + dt.timedelta(days=DUE_SOON_DAYS)


def is_overdue(*, status: str, due_on: dt.date, today: dt.date) -> bool:
    return status in ACTIVE_STATUSES and due_on < today


def next_number(used_numbers, kind: str) -> str:
    """'05-NQ/CB': the next in the cell's sequence for the year (resolutions and conclusions apart)."""
    heads = [int(m.group(1)) for m in map(_NUMBER_HEAD.match, used_numbers) if m]
    return f"{max(heads, default=0) + 1:02d}{NUMBER_SUFFIX[ResolutionKind(kind)]}"


def completion_by_month(rows) -> list[dict]:
    """rows: (year, month, status, evaluated) per task by origin month → per month counts and the rate of
    evaluated tasks found done. Carried-over tasks count as evaluated, not done."""
    months: dict[tuple[int, int], dict] = {}
    for year, month, status, evaluated in rows:
        entry = months.setdefault(
            (year, month),
            {
                "year": year,
                "month": month,
                "total": 0,
                "done": 0,
                "not_done": 0,
                "carried_over": 0,
                "open": 0,
            },
        )
        entry["total"] += 1
        if not evaluated and status != TaskStatus.CARRIED_OVER:
            entry["open"] += 1
        elif status == TaskStatus.DONE:
            entry["done"] += 1
        elif status == TaskStatus.NOT_DONE:
            entry["not_done"] += 1
        else:
            entry["carried_over"] += 1
    for entry in months.values():
        closed = entry["total"] - entry["open"]
        entry["closed"] = closed
        entry["rate"] = (100 * entry["done"] / closed) if closed else None
    return [months[key] for key in sorted(months, reverse=True)]
