"""The Đề án 11 indicators (DOMAIN §8): keys, what each divides, city default targets, and how a
value compares with a target. Pure: sums of fact counts in, indicators out."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

# key → (numerator field, denominator field, Vietnamese label, target #)
KEYS: dict[str, tuple[str, str, str, str]] = {
    "regular_meeting_rate": ("regular_ok", "cells", "Chi bộ sinh hoạt thường kỳ trong tháng", "T1"),
    "thematic_meeting_rate": ("thematic_ok", "cells", "Chi bộ sinh hoạt chuyên đề trong quý", "T1"),
    "materials_rate": ("materials_ok", "cells", "Chi bộ có tài liệu sinh hoạt trước ít nhất 1 ngày", "T2"),
    "procedure_rate": ("procedure_ok", "cells", "Chi bộ thực hiện đủ các bước bắt buộc", "T3"),
    "attendance_rate": ("present", "required", "Tỷ lệ đảng viên dự sinh hoạt thường kỳ", "T4"),
    "cells_attendance_ok_rate": ("attendance_ok", "cells", "Chi bộ có tỷ lệ dự sinh hoạt từ 90%", "T4"),
    "task_coverage_rate": (
        "task_covered",
        "task_members",
        "Đảng viên đang công tác được phân công nhiệm vụ",
        "T5",
    ),
    "leader_training_rate": (
        "leaders_trained",
        "leaders",
        "Bí thư, phó bí thư, chi ủy viên được bồi dưỡng",
        "T6",
    ),
    "minutes_on_time_rate": ("minutes_on_time", "meetings_held", "Biên bản thông qua đúng hạn", ""),
    "supervision_rate": (
        "supervised",
        "cells",
        "Chi bộ được cấp ủy viên phụ trách dự sinh hoạt trong quý",
        "",
    ),
}

# Quarter-based keys: over a quarter or a year they are read at each quarter's last month, not summed
# over every month (a cell that met thematically in January still "has" its quarter in March).
QUARTERLY_KEYS = ("thematic_meeting_rate", "supervision_rate")

# City defaults = Đề án 11's targets, in percent. Supervision has none of its own: plans set it.
CITY_TARGETS: dict[str, Decimal | None] = {
    "regular_meeting_rate": Decimal(100),
    "thematic_meeting_rate": Decimal(100),
    "materials_rate": Decimal(100),
    "procedure_rate": Decimal(100),
    "attendance_rate": Decimal(90),
    "cells_attendance_ok_rate": Decimal(100),
    "task_coverage_rate": Decimal(100),
    "leader_training_rate": Decimal(100),
    "minutes_on_time_rate": Decimal(100),
    "supervision_rate": None,
}

# What a denominator counts: (over one month, summed over months). Summed over a quarter or a year a cell
# counts once a month, so "117" is cell-months, never cells; the quarterly keys, read at each quarter's
# end, count once a quarter.
UNITS: dict[str, tuple[str, str]] = {
    "cells": ("chi bộ", "lượt chi bộ-tháng"),
    "required": ("lượt", "lượt"),
    "task_members": ("đảng viên", "lượt đảng viên-tháng"),
    "leaders": ("đồng chí", "lượt đồng chí-tháng"),
    "meetings_held": ("buổi", "buổi"),
}
QUARTER_UNIT = "lượt chi bộ-quý"

CLOSE_POINTS = Decimal(10)  # within 10 percentage points of the target counts as "close"


@dataclass(frozen=True)
class Indicator:
    key: str
    numerator: int
    denominator: int

    @property
    def ratio(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    @property
    def value(self) -> float | None:
        """numerator ÷ denominator as a number between 0 and 1; None when there is nothing to divide."""
        ratio = self.ratio
        return None if ratio is None else float(ratio)

    @property
    def percent(self) -> Decimal | None:
        ratio = self.ratio
        return None if ratio is None else (Decimal(ratio.numerator * 100) / Decimal(ratio.denominator))

    @property
    def label(self) -> str:
        return KEYS[self.key][2]

    def as_dict(self) -> dict:
        return {"numerator": self.numerator, "denominator": self.denominator, "value": self.value}


def indicators_from(counts: dict, quarterly: dict | None = None) -> dict[str, Indicator]:
    """Indicators from summed counts. `quarterly` holds the sums read at quarter ends (for QUARTERLY_KEYS);
    for a single month both are the same counts."""
    quarterly = counts if quarterly is None else quarterly
    out = {}
    for key, (num, den, _label, _t) in KEYS.items():
        source = quarterly if key in QUARTERLY_KEYS else counts
        out[key] = Indicator(key, int(source.get(num, 0)), int(source.get(den, 0)))
    return out


def denominator_unit(key: str, months: int, quarters: int) -> str:
    """What `key`'s denominator counts when summed over `months` months, read at `quarters` quarter ends
    ('chi bộ' for one month, 'lượt chi bộ-tháng' for several)."""
    den = KEYS[key][1]
    if key in QUARTERLY_KEYS:
        return UNITS[den][0] if quarters <= 1 else QUARTER_UNIT
    return UNITS[den][0] if months <= 1 else UNITS[den][1]


def status(indicator: Indicator, target: Decimal | None) -> str:
    """'met' / 'close' / 'far' against a target in percent; 'none' when either side is missing."""
    percent = indicator.percent
    if percent is None or target is None:
        return "none"
    if percent >= target:
        return "met"
    if percent >= target - CLOSE_POINTS:
        return "close"
    return "far"


def fmt_percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}%".replace(".", ",")
