"""Reporting periods: a month, a quarter or a year, as lists of months (first days)."""

import datetime as dt
import re
from dataclasses import dataclass

from chibo.common.dates import add_months

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year
    first: dt.date
    last: dt.date  # first day of the last month

    @property
    def until(self) -> dt.date:
        """The first day after the period: its half-open end, as dated rows are compared."""
        return add_months(self.last, 1)

    @property
    def months(self) -> list[dt.date]:
        out, month = [], self.first
        while month <= self.last:
            out.append(month)
            month = add_months(month, 1)
        return out

    def quarter_ends(self, current: dt.date | None = None) -> list[dt.date]:
        """The month at which each quarter of the period is read: its last month in the period, or the
        current month for a quarter still running."""
        out: dict[tuple[int, int], dt.date] = {}
        for month in self.months:
            if current is not None and month > current.replace(day=1):
                continue
            out[(month.year, (month.month - 1) // 3)] = month  # months ascend: the latest wins
        return list(out.values())

    def summed(self, current: dt.date) -> tuple[int, int]:
        """(months, quarter ends) a figure of the period sums, up to `current` (a later month has no
        figures): what its denominators count (indicators.denominator_unit)."""
        months = sum(month <= current.replace(day=1) for month in self.months)
        return months, len(self.quarter_ends(current))

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        return str(self.first.year)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"tháng {self.first.month}/{self.first.year}"
        if self.kind == "quarter":
            return f"quý {('I', 'II', 'III', 'IV')[(self.first.month - 1) // 3]}/{self.first.year}"
        return f"năm {self.first.year}"


def month(year: int, number: int) -> Period:
    first = dt.date(year, number, 1)
    return Period("month", first, first)


def quarter(year: int, number: int) -> Period:
    first = dt.date(year, 3 * (number - 1) + 1, 1)
    return Period("quarter", first, add_months(first, 2))


def year(number: int) -> Period:
    return Period("year", dt.date(number, 1, 1), dt.date(number, 12, 1))


def parse(text: str) -> Period:
    """'2025-03' (month), '2025-Q1' (quarter) or '2025' (year); ValueError with a Vietnamese message."""
    text = (text or "").strip()
    try:
        if m := _MONTH.match(text):
            return month(int(m.group(1)), int(m.group(2)))
        if m := _QUARTER.match(text):
            return quarter(int(m.group(1)), int(m.group(2)))
        if m := _YEAR.match(text):
            return year(int(m.group(1)))
    except ValueError:
        pass
    raise ValueError(
        f"Kỳ báo cáo không hợp lệ: {text!r}. Dùng YYYY-MM (tháng), YYYY-Qn (quý) hoặc YYYY (năm)."
    )
