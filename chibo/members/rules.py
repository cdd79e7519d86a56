"""DOMAIN §3 rules on dated history, as pure functions over plain values.

The single-object services (members.services) feed them rows read from the database; the bulk
import (dataio) feeds them rows preloaded into dicts plus the rows of the file being imported. One
rule, one place: each function returns the first problem as (field, Vietnamese message), or None.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from chibo.common.dates import add_months, fmt
from chibo.members.models import PROBATION_MONTHS, PositionKind

COMMITTEE_MAX = 7
COMMITTEE_MIN_OFFICIAL = 9
TEMPORARY_MIN_MONTHS = 3
TEMPORARY_MAX_MONTHS = 24  # 12 in general, up to 24 for study (DOMAIN §3)

Problem = tuple[str, str] | None


def overlaps(start: dt.date, end: dt.date | None, other_start: dt.date, other_end: dt.date | None) -> bool:
    """Half-open periods [start, end) and [other_start, other_end); an empty end is open."""
    return (other_end is None or other_end > start) and (end is None or other_start < end)


def is_on(day: dt.date, start: dt.date, end: dt.date | None) -> bool:
    return start <= day and (end is None or end > day)


def end_after_start(
    start: dt.date, end: dt.date | None, message: str = "Ngày kết thúc phải sau ngày bắt đầu."
) -> Problem:
    if end is not None and start is not None and end <= start:
        return ("valid_until", message)
    return None


def member_dates_problem(
    *, birth_date: dt.date | None, admitted_on: dt.date | None, official_on: dt.date | None, today: dt.date
) -> Problem:
    """Admission after birth and not in the future; official recognition only once the 12 months of
    probation are over."""
    if birth_date and admitted_on and admitted_on <= birth_date:
        return ("admitted_on", "Ngày vào Đảng phải sau ngày sinh.")
    if admitted_on and admitted_on > today:
        return (
            "admitted_on",
            f"Ngày vào Đảng {fmt(admitted_on)} là ngày trong tương lai (hôm nay là {fmt(today)}).",
        )
    if admitted_on and official_on:
        if official_on < admitted_on:
            return ("official_on", "Ngày chính thức phải sau ngày vào Đảng.")
        probation_end = add_months(admitted_on, PROBATION_MONTHS)
        if official_on < probation_end:
            return (
                "official_on",
                f"Ngày chính thức phải từ ngày hết 12 tháng dự bị ({fmt(probation_end)}) trở đi.",
            )
    return None


def membership_start_problem(
    *, start: dt.date, admitted_on: dt.date | None, member_name: str, field: str = "valid_from"
) -> Problem:
    """A membership (official or temporary) starts on or after the member's admission to the party:
    nobody is a member of a cell before they are a party member (DOMAIN §3). `field` says where the
    problem is shown: the membership's start, or the admission date when that is what changed."""
    if admitted_on is not None and start < admitted_on:
        return (
            field,
            f"Đảng viên {member_name} sinh hoạt từ ngày {fmt(start)}, trước ngày vào Đảng {fmt(admitted_on)}; "
            "ngày bắt đầu sinh hoạt phải từ ngày vào Đảng trở đi.",
        )
    return None


def cell_problem(*, is_cell: bool, cell_name: str, active: bool, day: dt.date) -> Problem:
    if not is_cell:
        return ("cell", f"{cell_name} không phải là chi bộ.")
    if not active:
        return ("cell", f"{cell_name} không hoạt động vào ngày {fmt(day)}.")
    return None


def official_overlap_problem(*, member_name: str, clash_cell_name: str, clash_from: dt.date) -> Problem:
    return (
        "valid_from",
        f"Đảng viên {member_name} đã sinh hoạt chính thức tại {clash_cell_name} "
        f"từ {fmt(clash_from)}; mỗi lúc chỉ sinh hoạt chính thức ở một chi bộ.",
    )


def temporary_problem(
    *, start: dt.date, end: dt.date | None, official_here: bool, other_temporary: bool
) -> Problem:
    """A temporary membership: 3 to 24 months, not in the member's own cell, one at a time."""
    if end is None:
        return (
            "valid_until",
            "Sinh hoạt tạm thời phải có ngày kết thúc (3 đến 12 tháng, đi học tối đa 24 tháng).",
        )
    if end < add_months(start, TEMPORARY_MIN_MONTHS) or end > add_months(start, TEMPORARY_MAX_MONTHS):
        return ("valid_until", "Thời hạn sinh hoạt tạm thời từ 3 đến 12 tháng (đi học tối đa 24 tháng).")
    if official_here:
        return ("cell", "Không thể sinh hoạt tạm thời tại chính chi bộ sinh hoạt chính thức.")
    if other_temporary:
        return ("valid_from", "Đảng viên đang có một đợt sinh hoạt tạm thời trùng thời gian.")
    return None


@dataclass(frozen=True)
class Term:
    """Another position in the same cell whose term overlaps the one being checked."""

    member_key: object
    member_name: str
    kind: str
    valid_from: dt.date


def position_problem(
    *,
    kind: str,
    member_key: object,
    member_name: str,
    cell_name: str,
    start: dt.date,
    end: dt.date | None,
    is_official: bool,
    home_is_this_cell: bool,
    others: Iterable[Term],
    officials: int,
) -> Problem:
    """One secretary and at most one deputy at a time; a committee (chi ủy) of at most 7, only in
    cells with 9 or more official members; holders are official members of the cell."""
    label = PositionKind(kind).label.lower()
    if end is not None and end <= start:
        return ("valid_until", "Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu.")
    if not is_official:
        return ("member", f"{member_name} chưa là đảng viên chính thức vào ngày {fmt(start)}.")
    if not home_is_this_cell:
        return ("member", f"{member_name} không sinh hoạt chính thức tại {cell_name} vào ngày {fmt(start)}.")
    others = list(others)
    if any(t.member_key == member_key for t in others):
        return ("member", f"{member_name} đang giữ một chức vụ khác trong chi bộ cùng thời gian.")
    if kind in (PositionKind.SECRETARY, PositionKind.DEPUTY):
        other = next((t for t in others if t.kind == kind), None)
        if other:
            return (
                "kind",
                f"Chi bộ đã có {label} {other.member_name} từ {fmt(other.valid_from)}; mỗi lúc chỉ có một {label}.",
            )
    if kind == PositionKind.COMMITTEE and officials < COMMITTEE_MIN_OFFICIAL:
        return (
            "kind",
            f"Chi bộ có {officials} đảng viên chính thức; chỉ chi bộ từ 9 đảng viên chính thức trở lên mới bầu chi ủy.",
        )
    if len({t.member_key for t in others} | {member_key}) > COMMITTEE_MAX:
        return ("kind", "Chi ủy có tối đa 7 người.")
    return None


def exemption_problem(*, start: dt.date, end: dt.date | None, clash: bool) -> Problem:
    if end is not None and end <= start:
        return ("valid_until", "Ngày kết thúc miễn sinh hoạt phải sau ngày bắt đầu.")
    if clash:
        return ("valid_from", "Đảng viên đã được miễn sinh hoạt trong khoảng thời gian này.")
    return None
