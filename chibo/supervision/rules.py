"""Pure rules of supervision: no database, shared by the web, the API and the demo."""

import datetime as dt
import re
from dataclasses import dataclass

from chibo.meetings.models import MeetingStatus
from chibo.supervision.models import RecommendationStatus

# A supervisor records what they saw at a meeting that took place or is taking place.
VISITABLE_STATUSES = (MeetingStatus.OPEN, MeetingStatus.HELD)
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        """The first day after the quarter (half-open)."""
        return (
            dt.date(self.year + 1, 1, 1) if self.number == 4 else dt.date(self.year, 3 * self.number + 1, 1)
        )

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"Quý {self.number}/{self.year}"

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)


def quarter_of(day: dt.date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def parse_quarter(text: str | None, default: dt.date) -> Quarter:
    """'2025-Q1' → Quarter; anything else → the quarter of `default` (a bad link is not an error page)."""
    match = _QUARTER.match((text or "").strip().upper())
    if not match or not 1900 <= int(match.group(1)) <= 2999:
        return quarter_of(default)
    return Quarter(int(match.group(1)), int(match.group(2)))


def period_problem(valid_from: dt.date | None, valid_until: dt.date | None) -> dict | None:
    if valid_from is None:
        return {"valid_from": "Từ ngày: hãy nhập ngày (dd/mm/yyyy)."}
    if valid_until is not None and valid_until <= valid_from:
        return {"valid_until": f"Đến ngày: phải sau ngày bắt đầu {valid_from:%d/%m/%Y}."}
    return None


def overlaps(a_from: dt.date, a_until: dt.date | None, b_from: dt.date, b_until: dt.date | None) -> bool:
    """Two half-open periods share a day (None = open-ended)."""
    return (a_until is None or b_from < a_until) and (b_until is None or a_from < b_until)


def is_active(valid_from: dt.date, valid_until: dt.date | None, day: dt.date) -> bool:
    return valid_from <= day and (valid_until is None or day < valid_until)


def recommendation_problem(*, text: str, due_on: dt.date | None, visit_day: dt.date) -> dict | None:
    errors = {}
    if not (text or "").strip():
        errors["text"] = "Nội dung kiến nghị: không được để trống."
    if due_on is None:
        errors["due_on"] = "Hạn trả lời: hãy nhập ngày (dd/mm/yyyy)."
    elif due_on < visit_day:
        errors["due_on"] = f"Hạn trả lời: không được trước ngày dự sinh hoạt {visit_day:%d/%m/%Y}."
    return errors or None


def is_overdue(*, status: str, due_on: dt.date, today: dt.date) -> bool:
    """Overdue = still waiting for the cell's answer after the deadline; an answered one is not."""
    return status == RecommendationStatus.OPEN and due_on < today


def may_answer(status: str) -> bool:
    # The cell may amend its answer until the supervisor closes the recommendation.
    return status in (RecommendationStatus.OPEN, RecommendationStatus.ANSWERED)


def may_close(status: str) -> bool:
    return status != RecommendationStatus.CLOSED
