import datetime as dt
import re

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of a local calendar day (Asia/Ho_Chi_Minh), for half-open datetime ranges of dates."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def month_end(year: int, month: int) -> dt.date:
    return add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)


def fmt(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


# A time as people type it: 19:30, 7:30, 19h30, 19g30, 19.30, 19,30, 19h, 19, 19:30:00 (and "phút" after).
_TIME = re.compile(r"^(\d{1,2})(?:\s*[:hg.,]\s*(?:(\d{2})(?::(\d{2}))?)?)?\s*(?:phút)?$", re.IGNORECASE)
# 1930 or 930, as a phone's numeric keypad makes easy.
_COMPACT_TIME = re.compile(r"^(\d{1,2})(\d{2})$")


def parse_time(value) -> dt.time | None:
    """The one reading of a time of day (24 hours, seconds dropped), for forms and imports alike.

    Takes text (see the patterns above), a time or datetime, or an Excel time cell's fraction of a day.
    Empty -> None; anything else -> ValueError (callers word the message for their field)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return dt.time(minutes // 60 % 24, minutes % 60)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    m = _TIME.match(text) or _COMPACT_TIME.match(text)
    if m:
        hour, minute = int(m[1]), int(m[2] or 0)
        second = int(m[3] or 0) if m.re is _TIME else 0
        if hour < 24 and minute < 60 and second < 60:
            return dt.time(hour, minute)
    raise ValueError(f"not a time of day: {text!r}")
