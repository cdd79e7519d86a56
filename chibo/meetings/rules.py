"""DOMAIN §4–§5 rules of a meeting as pure functions over plain values.

The services (meetings.services.running) feed them the meeting's roll call; the scoring and the
indicators read the same functions, so "attendance rate" and "entitled to vote" mean one thing.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Generic, TypeVar

from django.utils import timezone

from chibo.meetings.models import AttendanceStatus, MotionKind

Problem = tuple[str, str] | None
S = TypeVar("S")


@dataclass(frozen=True)
class Line:
    """One roster line as the rules need it (an Attendance row, or a dict from an import)."""

    status: str = ""
    is_exempt: bool = False
    is_official: bool = True
    is_temporary: bool = False
    accepted: bool = False  # absent with a reason somebody accepted (accepted_by is filled)

    @classmethod
    def of(cls, attendance) -> "Line":
        return cls(
            status=attendance.status,
            is_exempt=attendance.is_exempt,
            is_official=attendance.is_official,
            is_temporary=attendance.is_temporary,
            accepted=bool(attendance.accepted_by),
        )


# --- attendance (§5, T4) -------------------------------------------------------------------------------


def attendance_counts(lines: Iterable[Line]) -> tuple[int, int]:
    """(present, required): required = roster minus exempted members; an exempted member who comes
    anyway is in neither number. A member who arrived late or left early is present."""
    present = required = 0
    for line in lines:
        if line.is_exempt:
            continue
        required += 1
        if line.status == AttendanceStatus.PRESENT:
            present += 1
    return present, required


def attendance_rate(present: int, required: int) -> Fraction | None:
    """present ÷ required, exact; None when nobody was required (no rate, not 0% or 100%)."""
    return Fraction(present, required) if required else None


def percent(rate: Fraction | None) -> str:
    """'83,3%' the Vietnamese way (decimal comma), or '—' without a rate."""
    if rate is None:
        return "—"
    value = round(float(rate) * 100, 1)
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


def attendance_problem(
    *,
    status: str,
    reason: str,
    is_exempt: bool,
    arrived_late_at: dt.datetime | None,
    left_early_at: dt.datetime | None,
    started_at: dt.datetime | None,
    ended_at: dt.datetime | None,
) -> Problem:
    """One roster line as the secretary marks it; the first problem as (field, Vietnamese message)."""
    if status not in AttendanceStatus.values:
        return ("status", "Điểm danh: hãy chọn có mặt, vắng có lý do, vắng không lý do hoặc miễn sinh hoạt.")
    if status == AttendanceStatus.EXEMPT and not is_exempt:
        return ("status", "Điểm danh: đảng viên này không được miễn sinh hoạt vào ngày họp.")
    if status == AttendanceStatus.EXCUSED and not reason.strip():
        return ("reason", "Lý do vắng: không được để trống khi vắng có lý do.")
    if status != AttendanceStatus.PRESENT and (arrived_late_at or left_early_at):
        return ("status", "Điểm danh: chỉ ghi giờ đến muộn, về sớm cho đảng viên có mặt.")
    if arrived_late_at and started_at and arrived_late_at <= started_at:
        return ("arrived_late_at", "Đến muộn lúc: phải sau giờ bắt đầu buổi sinh hoạt.")
    if left_early_at:
        if started_at and left_early_at <= started_at:
            return ("left_early_at", "Về sớm lúc: phải sau giờ bắt đầu buổi sinh hoạt.")
        if arrived_late_at and left_early_at <= arrived_late_at:
            return ("left_early_at", "Về sớm lúc: phải sau giờ đến.")
        if ended_at and left_early_at >= ended_at:
            return ("left_early_at", "Về sớm lúc: phải trước giờ kết thúc buổi sinh hoạt.")
    return None


# --- votes (§5) -----------------------------------------------------------------------------------------


def may_vote(line: Line) -> bool:
    """Who may vote at this cell's meeting at all.

    Probationary members do not vote (Điều lệ Đảng, Điều 3). Members here on temporary activity do
    not vote in the host cell either: Quy định 232-QĐ/TW (2025), 6.3.2 keeps their vote at their
    official cell ("ở nơi sinh hoạt tạm thời thì trừ quyền biểu quyết"). Suspended or detained
    members are not modelled yet, so nobody is left out for that reason.
    """
    return line.is_official and not line.is_temporary


def vote_entitled(lines: Iterable[Line]) -> int:
    """Members entitled to vote (DOMAIN §5): official members summoned (members on temporary activity
    elsewhere are already off the roster), minus absent exempted members, minus those absent with an
    accepted reason. An exempted member who comes may vote; an absence without accepted reason still
    counts (the member was entitled and did not come)."""
    entitled = 0
    for line in lines:
        if not may_vote(line):
            continue
        present = line.status == AttendanceStatus.PRESENT
        if line.is_exempt and not present:
            continue
        if line.status == AttendanceStatus.EXCUSED and line.accepted:
            continue
        entitled += 1
    return entitled


def voters_present(lines: Iterable[Line]) -> int:
    """Members present who may vote: the most ballots a motion can have."""
    return sum(1 for line in lines if may_vote(line) and line.status == AttendanceStatus.PRESENT)


def vote_passed(*, kind: str, in_favour: int, entitled: int) -> bool:
    """More than half of those entitled; expulsion needs at least two thirds (DOMAIN §5)."""
    if entitled <= 0:
        return False
    if kind == MotionKind.EXPULSION:
        return 3 * in_favour >= 2 * entitled
    return 2 * in_favour > entitled


def votes_needed(*, kind: str, entitled: int) -> int:
    """The smallest number in favour that passes the motion (shown beside the result)."""
    if entitled <= 0:
        return 0
    if kind == MotionKind.EXPULSION:
        return -(-2 * entitled // 3)
    return entitled // 2 + 1


def vote_problem(*, in_favour: int, against: int, abstain: int, present_voters: int) -> Problem:
    total = in_favour + against + abstain
    if min(in_favour, against, abstain) < 0:
        return ("in_favour", "Số phiếu: không được là số âm.")
    if total > present_voters:
        return (
            "in_favour",
            f"Tán thành + Không tán thành + Không biểu quyết = {total}, nhiều hơn số đảng viên có mặt "
            f"có quyền biểu quyết ({present_voters}).",
        )
    return None


# --- procedure (§4, T3) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepRecord:
    """One step record of a meeting (a MeetingStep row) as the procedure rule needs it."""

    rule_step_id: int | None
    title: str
    mandatory: bool
    done: bool


@dataclass(frozen=True)
class Procedure:
    recorded: bool  # the meeting has step records at all
    mandatory: tuple[tuple[str, bool], ...]  # (title, done) of every mandatory step, in order

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(title for title, done in self.mandatory if not done)

    @property
    def done(self) -> int:
        return len(self.mandatory) - len(self.missing)

    @property
    def full(self) -> bool:
        return self.recorded and not self.missing


def procedure(records: Iterable[StepRecord], rule_steps: Iterable[tuple[int, str]]) -> Procedure:
    """ "Full procedure" = every mandatory step recorded done (DOMAIN §4). The meeting's step records
    (copied from its rule set when it opened, or imported) say which steps are mandatory; a mandatory
    step of the rule set for the meeting's kind (`rule_steps`: id, title) that has no record is not
    done; a meeting with no step records at all has not recorded its procedure, so it is never full.
    Twin in SQL: meetings.selectors.full_procedure_q (tests/reporting/test_procedure_twins.py)."""
    records = list(records)
    have = {r.rule_step_id for r in records if r.rule_step_id is not None}
    steps = [(r.title, r.done) for r in records if r.mandatory]
    steps += [(title, False) for pk, title in rule_steps if pk not in have]
    return Procedure(recorded=bool(records), mandatory=tuple(steps))


@dataclass(frozen=True)
class StepSequence(Generic[S]):
    """A meeting's steps as the secretary walks through them: the current step is the first not done."""

    before: tuple[S, ...]  # all done: folded, reviewable
    current: S | None  # None once every step is done
    after: tuple[S, ...]  # later steps (some may be done already, out of order)
    done: int
    total: int

    @property
    def position(self) -> int:
        """The current step's place, 1-based ("Bước 3/9"); the total once all are done."""
        return len(self.before) + 1 if self.current is not None else self.total


def step_sequence(steps: Iterable[S], *, done: Callable[[S], bool]) -> StepSequence[S]:
    steps = list(steps)
    at = next((i for i, s in enumerate(steps) if not done(s)), len(steps))
    return StepSequence(
        before=tuple(steps[:at]),
        current=steps[at] if at < len(steps) else None,
        after=tuple(steps[at + 1 :]),
        done=sum(1 for s in steps if done(s)),
        total=len(steps),
    )


# --- duration (§4) --------------------------------------------------------------------------------------


def minimum_minutes(*, kind: str, shared: bool, regular: int, thematic: int, combined: int) -> int:
    """90 minutes by default; 120 when a thematic and a regular meeting share a session (HD 42)."""
    if shared:
        return combined
    return thematic if kind == "thematic" else regular


def duration_minutes(started_at: dt.datetime | None, ended_at: dt.datetime | None) -> int | None:
    if not started_at or not ended_at:
        return None
    return int((ended_at - started_at).total_seconds() // 60)


def duration_met(started_at: dt.datetime | None, ended_at: dt.datetime | None, minimum: int) -> bool | None:
    """None while the meeting has no start or end; else whether it lasted at least `minimum` minutes."""
    minutes = duration_minutes(started_at, ended_at)
    return None if minutes is None else minutes >= minimum


# --- times (§4): what is recorded is what happened ------------------------------------------------------

# A typed time may run this far ahead of the server's clock (a phone a few minutes fast, a rounded minute).
CLOCK_TOLERANCE = dt.timedelta(minutes=5)

ON_TIME, MOVE, REFUSE = "on_time", "move", "refuse"


def _at(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def future_problem(moment: dt.datetime, *, now: dt.datetime, field: str, label: str) -> Problem:
    """A start or end that has not happened yet cannot be recorded."""
    if moment > now + CLOCK_TOLERANCE:
        return (
            field,
            f"{label}: {_at(moment)} chưa tới (bây giờ là {_at(now)}); chỉ ghi được giờ đã diễn ra.",
        )
    return None


def early_start(*, started_at: dt.datetime, scheduled_at: dt.datetime, early_hours: int) -> str:
    """A start on the scheduled day (or later) is ON_TIME; before that day, at most `early_hours` hours
    before the scheduled time is MOVE (the meeting moves to the day it started), earlier is REFUSE."""
    if timezone.localdate(started_at) >= timezone.localdate(scheduled_at):
        return ON_TIME
    if scheduled_at - started_at > dt.timedelta(hours=max(early_hours, 0)):
        return REFUSE
    return MOVE


def early_refused_message(*, started_at: dt.datetime, scheduled_at: dt.datetime, early_hours: int) -> str:
    return (
        f"Bắt đầu lúc: buổi sinh hoạt dự kiến {_at(scheduled_at)}; không bắt đầu được lúc {_at(started_at)}, "
        f"sớm hơn {max(early_hours, 0)} giờ so với lịch. Nếu chi bộ họp vào hôm nay, hãy đổi lịch buổi "
        "sinh hoạt (ghi lý do) rồi mới bắt đầu."
    )


def moved_note(*, started_at: dt.datetime, scheduled_at: dt.datetime) -> str:
    """The note kept on a meeting moved to the day it started."""
    return f"Họp sớm hơn lịch: dự kiến {_at(scheduled_at)}, bắt đầu {_at(started_at)}."


def default_end(
    *, scheduled_at: dt.datetime, started_at: dt.datetime, minimum: int, now: dt.datetime
) -> dt.datetime:
    """The end a closing form proposes: the (scheduled or, if later, actual) start plus the rule set's
    minimum duration; if that is still ahead, now. Never at or before the start."""
    end = max(scheduled_at, started_at) + dt.timedelta(minutes=minimum)
    if end > now:
        end = now
    if end <= started_at:
        end = started_at + dt.timedelta(minutes=minimum)
    return end.replace(second=0, microsecond=0)


def short_problem(
    *, started_at: dt.datetime | None, ended_at: dt.datetime | None, minimum: int, confirmed: bool
) -> Problem:
    """A meeting shorter than the rule set's minimum is recorded only once the secretary confirms it."""
    minutes = duration_minutes(started_at, ended_at)
    if confirmed or minutes is None or minutes >= minimum:
        return None
    return (
        "confirm_short",
        f"Buổi sinh hoạt chỉ kéo dài {minutes} phút, ít hơn thời lượng tối thiểu {minimum} phút của bộ quy "
        "định. Nếu đúng như vậy, hãy đánh dấu “Tôi xác nhận” rồi gửi lại.",
    )


# T2 (DOMAIN §8): materials visible to members at least a day (24 hours) before the meeting began.
MATERIALS_BEFORE = dt.timedelta(hours=24)


def materials_on_time(*, published_at: dt.datetime | None, starts_at: dt.datetime | None) -> bool:
    return published_at is not None and starts_at is not None and published_at <= starts_at - MATERIALS_BEFORE


def minutes_deadline(meeting_day: dt.date, days_after: int) -> dt.date:
    """Minutes are due within `days_after` local calendar days of the meeting's date: a meeting held
    on the 5th with 2 days has until the end of the 7th, whatever hour it ended."""
    return meeting_day + dt.timedelta(days=days_after)


def minutes_on_time(
    *, approved_on: dt.date | None, meeting_day: dt.date, days_after: int, today: dt.date
) -> bool | None:
    """True/False once it can be judged; None while unapproved and the deadline is still ahead."""
    deadline = minutes_deadline(meeting_day, days_after)
    if approved_on is not None:
        return approved_on <= deadline
    return False if today > deadline else None


# Reasons most absences give (HD 42 counts an absence "có lý do" when a reason is reported): one tap each on
# a phone, the free text stays for anything else.
COMMON_ABSENCE_REASONS = ("Ốm đau", "Đi công tác", "Việc gia đình", "Tuổi cao, sức yếu")
