"""Pure rules of training: the validity window of T6 and what a participation may record."""

import datetime as dt

from django.conf import settings

from chibo.common.dates import add_months, fmt
from chibo.members.models import PositionKind
from chibo.training.models import ParticipationStatus

LEADER_KINDS = (PositionKind.SECRETARY, PositionKind.DEPUTY, PositionKind.COMMITTEE)


def valid_months() -> int:
    return int(getattr(settings, "CHIBO_TRAINING_VALID_MONTHS", 30))


def window_start(day: dt.date) -> dt.date:
    """The earliest completion day that still counts on `day` (DOMAIN §8, T6)."""
    return add_months(day, -valid_months())


def counts_on(done_on: dt.date | None, day: dt.date) -> bool:
    """A completed party-work training done on `done_on` (its end, else its start) counts on `day`."""
    return done_on is not None and window_start(day) <= done_on <= day


def course_dates_problem(starts_on: dt.date, ends_on: dt.date):
    if starts_on and ends_on and ends_on < starts_on:
        return "ends_on", "Đến ngày: phải sau hoặc bằng ngày bắt đầu."
    return None


def completion_problem(*, status: str, completed_on: dt.date | None, starts_on: dt.date, today: dt.date):
    if status != ParticipationStatus.COMPLETED:
        return None
    if completed_on is not None and completed_on < starts_on:
        return "completed_on", f"Ngày hoàn thành: không được trước ngày khai giảng {fmt(starts_on)}."
    if starts_on > today:
        return "status", "Lớp chưa khai giảng, chưa thể ghi hoàn thành."
    if completed_on is not None and completed_on > today:
        return "completed_on", "Ngày hoàn thành: không được sau hôm nay."
    return None


def attendance_problem(*, status: str, starts_on: dt.date, today: dt.date):
    if status == ParticipationStatus.ATTENDED and starts_on > today:
        return "status", "Lớp chưa khai giảng, chưa thể ghi đã tham gia."
    return None
