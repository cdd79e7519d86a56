import datetime as dt

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
