"""Quality scoring (DOMAIN §7) as pure functions over plain values.

The service (meetings.services.scoring) reads the rows and calls these; nothing here touches the
database, so the grade rule and the facts shown to the scorer are tested without fixtures.
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from chibo.meetings.rules import Line, attendance_counts, attendance_rate
from chibo.meetings.rules import percent as rate_text

# Score.grade stores the Vietnamese label itself: it is what every page, export and report shows.
GOOD, FAIR, AVERAGE, POOR = "Tốt", "Khá", "Trung bình", "Kém"
GRADES = (GOOD, FAIR, AVERAGE, POOR)

# DOMAIN §4 and §8: materials "at least 1 day before" and minutes "within 2 days" are counted in
# whole periods of 24 hours, not calendar days.
DAY = dt.timedelta(hours=24)

# Attendance rate that earns the attendance criterion in full (T4, DOMAIN §1).
ATTENDANCE_TARGET = (9, 10)  # 90 %, kept as a ratio so comparisons stay exact integers


# --- grade --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """One criterion of a sheet with the points given for it."""

    key: object
    title: str
    max_points: int
    full_marks_for_good: bool
    points: int


def grade_for(total: int, *, good_from: int, fair_from: int, average_from: int, capped: bool = False) -> str:
    """Tốt ≥ good_from, Khá ≥ fair_from, Trung bình ≥ average_from, else Kém; `capped` (a criterion
    that needs full marks for Tốt did not get them) turns a Tốt into Khá."""
    if total >= good_from and not capped:
        return GOOD
    if total >= fair_from or total >= good_from:
        return FAIR
    if total >= average_from:
        return AVERAGE
    return POOR


@dataclass(frozen=True)
class Outcome:
    total: int
    grade: str
    # Criteria that kept a Tốt total at Khá (shown to the scorer so the cap is not a surprise).
    capped_by: tuple[str, ...] = ()


def score_outcome(lines: Iterable[Mark], *, good_from: int, fair_from: int, average_from: int) -> Outcome:
    lines = list(lines)
    total = sum(line.points for line in lines)
    short = tuple(line.title for line in lines if line.full_marks_for_good and line.points < line.max_points)
    grade = grade_for(
        total, good_from=good_from, fair_from=fair_from, average_from=average_from, capped=bool(short)
    )
    capped_by = short if total >= good_from and short else ()
    return Outcome(total=total, grade=grade, capped_by=capped_by)


def points_problems(criteria: Iterable[Mark], points: dict) -> dict[object, str]:
    """{criterion key: Vietnamese message naming the criterion} for missing or out-of-range points.
    `criteria` are Marks whose `points` is ignored; `points` maps keys to what the scorer gave."""
    problems = {}
    for c in criteria:
        value = points.get(c.key)
        if value is None or value == "":
            problems[c.key] = f"{c.title}: chưa nhập điểm."
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            problems[c.key] = f"{c.title}: điểm phải là số nguyên."
            continue
        if number != value and str(number) != str(value).strip():
            problems[c.key] = f"{c.title}: điểm phải là số nguyên."
        elif not 0 <= number <= c.max_points:
            problems[c.key] = f"{c.title}: điểm phải từ 0 đến {c.max_points}."
    return problems


# --- the facts the data already shows -----------------------------------------------------------------


@dataclass(frozen=True)
class RollLine:
    """One stored roster line: enough of Attendance for the counts."""

    member_id: int
    status: str  # AttendanceStatus value, "" when never marked
    is_exempt: bool
    spoke: bool = False


def roll_attendance(lines: Iterable[RollLine]) -> tuple[int, int]:
    """(present, required) through the one shared rule (meetings.rules, DOMAIN §5)."""
    return attendance_counts(
        Line(status=x.status, is_exempt=x.is_exempt or x.status == "exempt") for x in lines
    )


def speaker_counts(lines: Iterable[RollLine], speech_member_ids: Iterable[int]) -> tuple[int, int]:
    """(members present who spoke, members present). Everyone who came counts here, an exempted
    member too: the question is how many of those in the room took the floor. Speaking is known from
    the roll call (`spoke`) or from a recorded speech."""
    spoke = set(speech_member_ids)
    present = [line for line in lines if line.status == "present"]
    return sum(1 for line in present if line.spoke or line.member_id in spoke), len(present)


def percent(part: int, whole: int) -> int | None:
    """Rounded whole percent for display; None when there is nothing to divide by."""
    if not whole:
        return None
    return (200 * part + whole) // (2 * whole)


def at_least(part: int, whole: int, ratio: tuple[int, int]) -> bool:
    """part / whole ≥ num / den, in integers."""
    num, den = ratio
    return whole > 0 and part * den >= num * whole


def materials_deadline(start: dt.datetime, days_before: int) -> dt.datetime:
    return start - days_before * DAY


def materials_on_time(first_published_at: dt.datetime | None, start: dt.datetime, days_before: int) -> bool:
    """A material visible to members at least `days_before` × 24 h before the meeting began."""
    return first_published_at is not None and first_published_at <= materials_deadline(start, days_before)


@dataclass(frozen=True)
class Facts:
    """What the data already shows about one held meeting (issue 3 §6)."""

    present: int
    required: int
    duration: int | None
    min_minutes: int
    shares_session: bool
    speakers: int
    present_all: int
    steps_done: int
    steps_total: int
    missing_steps: tuple[str, ...]
    materials_first_at: dt.datetime | None
    materials_deadline: dt.datetime
    materials_on_time: bool
    minutes_approved_at: dt.datetime | None
    minutes_deadline: dt.date
    minutes_on_time: bool | None
    drafter_assigned: bool = False
    prep_meeting_held: bool = False
    notice_sent: bool = False

    @property
    def attendance_pct(self) -> int | None:
        return percent(self.present, self.required)

    @property
    def speakers_pct(self) -> int | None:
        return percent(self.speakers, self.present_all)

    @property
    def attendance_text(self) -> str:
        """'83,3%' as every page writes a rate (meetings.rules.percent), '—' without a roll call."""
        return rate_text(attendance_rate(self.present, self.required))

    @property
    def attendance_ok(self) -> bool:
        return at_least(self.present, self.required, ATTENDANCE_TARGET)

    @property
    def speakers_text(self) -> str:
        return rate_text(attendance_rate(self.speakers, self.present_all))

    @property
    def duration_ok(self) -> bool | None:
        return None if self.duration is None else self.duration >= self.min_minutes

    @property
    def preparation_checks(self) -> list[tuple[str, bool]]:
        return [
            ("Phân công người chuẩn bị dự thảo", self.drafter_assigned),
            ("Chi ủy (bí thư, phó bí thư) họp chuẩn bị", self.prep_meeting_held),
            ("Thông báo cho đảng viên", self.notice_sent),
            ("Tài liệu đến đảng viên đúng hạn", self.materials_on_time),
        ]


# --- suggested points ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    points: int
    reason: str


def _attendance(f: Facts, top: int) -> Suggestion | None:
    # Full points at ≥ 90 % (T4); half from 70 %; none below. Nothing to suggest without a roll call.
    if not f.required:
        return None
    rate = f.attendance_text
    if at_least(f.present, f.required, ATTENDANCE_TARGET):
        return Suggestion(top, f"dự họp {rate}, từ 90% trở lên")
    if at_least(f.present, f.required, (7, 10)):
        return Suggestion(top // 2, f"dự họp {rate}, từ 70% đến dưới 90%")
    return Suggestion(0, f"dự họp {rate}, dưới 70%")


def _duration(f: Facts, top: int) -> Suggestion | None:
    # Full points when the meeting lasted its minimum (90, or 120 for a shared session); else none.
    if f.duration is None:
        return None
    if f.duration >= f.min_minutes:
        return Suggestion(top, f"họp {f.duration} phút, đủ {f.min_minutes} phút")
    return Suggestion(0, f"họp {f.duration} phút, chưa đủ {f.min_minutes} phút")


def _preparation(f: Facts, top: int) -> Suggestion:
    # In proportion to the four HD 42 preparation checks that are recorded as done (rounded down).
    done = sum(ok for _, ok in f.preparation_checks)
    return Suggestion(top * done // 4, f"{done}/4 việc chuẩn bị đã ghi nhận")


def _procedure(f: Facts, top: int) -> Suggestion | None:
    # In proportion to the mandatory steps done (rounded down): full points only for the full procedure.
    if not f.steps_total:
        return None
    return Suggestion(
        top * f.steps_done // f.steps_total, f"{f.steps_done}/{f.steps_total} bước bắt buộc đã thực hiện"
    )


def _speakers(f: Facts, top: int) -> Suggestion | None:
    # "Many members speak" (HD 12): full points when at least half of those present spoke.
    if not f.present_all:
        return None
    share = f"{f.speakers}/{f.present_all} đảng viên có mặt phát biểu"
    if at_least(f.speakers, f.present_all, (1, 2)):
        return Suggestion(top, share)
    if at_least(f.speakers, f.present_all, (1, 4)):
        return Suggestion(top // 2, share)
    return Suggestion(0, share)


def _minutes(f: Facts, top: int) -> Suggestion | None:
    # Closing and minutes: full points when the minutes were approved in time; none when late;
    # no suggestion while the deadline is still ahead.
    if f.minutes_on_time is None:
        return None
    if f.minutes_on_time:
        return Suggestion(top, "biên bản thông qua đúng hạn")
    return Suggestion(0, "biên bản chưa thông qua đúng hạn")


# Criterion codes (or words of a code: "time-duration", "chuan-bi") mapped to the fact that suggests
# their points. The first entry whose words match a word of the code wins. Criteria that no fact
# measures (principles, results of last month's resolution, content) get no suggestion: the scorer judges.
SUGGESTERS = [
    (("attendance", "chuyen-can", "du-hop", "tham-du"), _attendance),
    (("duration", "time", "thoi-gian", "thoi-luong"), _duration),
    (("preparation", "prepare", "chuan-bi"), _preparation),
    (("procedure", "steps", "conduct", "organisation", "organization", "quy-trinh", "dieu-hanh"), _procedure),
    (("speakers", "speaking", "discussion", "phat-bieu", "thao-luan"), _speakers),
    (("closing", "close", "minutes", "ket-thuc", "bien-ban"), _minutes),
]


def _words(code: str) -> set[str]:
    """'time-duration' -> {'time', 'duration', 'time-duration'}; Vietnamese slugs keep their pairs."""
    parts = [p for p in re.split(r"[-_]", code.lower()) if p]
    words = set(parts) | {code.lower()}
    words |= {f"{a}-{b}" for a, b in zip(parts, parts[1:], strict=False)}
    return words


def suggest(code: str, max_points: int, facts: Facts) -> Suggestion | None:
    words = _words(code)
    for aliases, rule in SUGGESTERS:
        if words & set(aliases):
            return rule(facts, max_points)
    return None
