"""Demo meetings: each active cell's months of regular and thematic meetings, in bulk.

The rows are those the meeting services would have written (planning, running, minutes, scoring):
a held meeting has the steps of the rule set in force on its date, a roll call of exactly the roster
on that date with its facts frozen, a vote whose entitlement comes from meetings.rules, minutes, a
material and usually a score graded by meetings.scoring_rules. Some imperfections are drawn on
purpose (a missed month, a cancelled meeting, low attendance, a skipped step, late minutes or
materials) so that the dashboards have something to show.

The rosters are computed from the ward's rows still in memory (memberships, exemptions, positions),
the rule sets are read once per seed: the number of queries does not depend on the number of cells.
Once a cell's meetings are drawn, chibo.demo.tasks turns its held ones into resolutions, conclusions
and tasks, from the same records.
"""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from chibo.common.dates import add_months
from chibo.demo import tasks
from chibo.meetings import rules
from chibo.meetings import scoring_rules as sr
from chibo.meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingMaterial,
    MeetingStatus,
    MeetingStep,
    Minutes,
    MinutesStatus,
    MotionKind,
    RuleStep,
    Score,
    ScoreItem,
    ScoringCriterion,
    ScoringSheet,
    Speech,
    Vote,
)
from chibo.meetings.services.minutes import attendance_counts
from chibo.meetings.services.rulesets import pick_rule_set, rule_sets_between
from chibo.members.models import Exemption, Membership, MembershipKind, Position, PositionKind
from chibo.orgs.models import SEGMENT, CellKind

MODELS = [Meeting, MeetingStep, Attendance, Speech, Vote, Minutes, MeetingMaterial, Score, ScoreItem]
VN = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh: no daylight saving since 1975
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)

MEETING_COLUMNS = [
    "id",
    "cell_id",
    "kind",
    "status",
    "rule_set_id",
    "scheduled_at",
    "place",
    "topic",
    "shares_session_with_id",
    "extra_reason",
    "cancel_reason",
    "reschedule_note",
    "drafter_id",
    "prep_meeting_on",
    "notice_sent_at",
    "supervisor_notified_at",
    "materials_published_at",
    "started_at",
    "ended_at",
    "chair_id",
    "minute_taker_id",
    "checkin_token",
    "created_at",
]
STEP_COLUMNS = ["id", "meeting_id", "rule_step_id", "order", "title", "mandatory", "done", "done_at", "notes"]
ATTENDANCE_COLUMNS = [
    "id",
    "meeting_id",
    "member_id",
    "status",
    "reason",
    "accepted_by",
    "is_exempt",
    "is_temporary",
    "is_official",
    "arrived_late_at",
    "left_early_at",
    "checked_in_at",
    "spoke",
]
SPEECH_COLUMNS = ["id", "meeting_id", "step_id", "member_id", "guest_id", "gist", "order"]
VOTE_COLUMNS = [
    "id",
    "meeting_id",
    "kind",
    "motion",
    "in_favour",
    "against",
    "abstain",
    "entitled",
    "passed",
    "recorded_at",
]
MINUTES_COLUMNS = [
    "id",
    "meeting_id",
    "number",
    "body",
    "status",
    "approved_at",
    "approved_by_id",
    "updated_at",
]
MATERIAL_COLUMNS = ["id", "meeting_id", "title", "file", "published_at", "uploaded_by_id", "created_at"]
SCORE_COLUMNS = [
    "id",
    "meeting_id",
    "sheet_id",
    "total",
    "grade",
    "proposed_by_id",
    "confirmed_by_id",
    "confirmed_at",
]
# Positions in a meeting row.
(status_i, cancel_i, drafter_i, prep_i, notice_i, sup_i, mat_i, start_i, end_i, chair_i, taker_i) = (
    MEETING_COLUMNS.index(c)
    for c in (
        "status", "cancel_reason", "drafter_id", "prep_meeting_on", "notice_sent_at", "supervisor_notified_at",
        "materials_published_at", "started_at", "ended_at", "chair_id", "minute_taker_id",
    )
)  # fmt: skip
SCORE_ITEM_COLUMNS = ["id", "score_id", "criterion_id", "points", "note"]
COLUMNS = {
    Meeting: MEETING_COLUMNS,
    MeetingStep: STEP_COLUMNS,
    Attendance: ATTENDANCE_COLUMNS,
    Speech: SPEECH_COLUMNS,
    Vote: VOTE_COLUMNS,
    Minutes: MINUTES_COLUMNS,
    MeetingMaterial: MATERIAL_COLUMNS,
    Score: SCORE_COLUMNS,
    ScoreItem: SCORE_ITEM_COLUMNS,
}

EXCUSES = [
    ("Ốm", 25),
    ("Đi công tác", 20),
    ("Việc gia đình", 20),
    ("Đi khám bệnh", 10),
    ("Về quê có việc", 8),
    ("Con nhỏ ốm", 5),
    ("Trực cơ quan", 7),
    ("Đi học tập trung", 5),
]
CANCEL_REASONS = [
    "Trùng lịch tổ chức bầu cử, hoãn sang tháng sau",
    "Mưa bão, ngập úng khu dân cư",
    "Bí thư chi bộ ốm, chưa bố trí được người chủ trì",
    "Trùng lịch hội nghị của Đảng ủy phường",
    "Phòng họp đang sửa chữa",
]
THEMATIC_TOPICS = [
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Quán triệt Nghị quyết Đại hội Đảng bộ phường",
    "Bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác quan điểm sai trái",
    "Chuyển đổi số trong hoạt động của chi bộ",
    "Phòng, chống tham nhũng, lãng phí, tiêu cực",
    "Xây dựng người Hà Nội thanh lịch, văn minh",
    "Giữ gìn vệ sinh môi trường, trật tự đô thị",
    "Vai trò nêu gương của đảng viên nơi cư trú",
    "Thực hiện Quy định 213-QĐ/TW về đảng viên đang công tác giữ mối liên hệ với nơi cư trú",
    "Phòng, chống cháy nổ và an toàn giao thông",
]
GISTS = [
    "Nhất trí với báo cáo của chi ủy; đề nghị bổ sung kết quả vận động đóng góp quỹ khuyến học.",
    "Phản ánh tình trạng vệ sinh môi trường, đề nghị tăng cường tuyên truyền.",
    "Báo cáo kết quả thực hiện nhiệm vụ được phân công tháng trước.",
    "Đề nghị chi bộ quan tâm công tác phát triển đảng viên trẻ.",
    "Góp ý về việc triển khai dịch vụ công trực tuyến cho người dân.",
    "Tự phê bình việc chậm hoàn thành nhiệm vụ, hứa khắc phục trong tháng.",
    "Đề xuất phân công đảng viên theo dõi các hộ gia đình khó khăn.",
    "Nhất trí với dự thảo nghị quyết, đề nghị ghi rõ thời hạn từng nhiệm vụ.",
    "Trao đổi về nội dung chuyên đề, liên hệ với công việc của bản thân.",
]
MISSED_STEP_CODES = ["task_review", "discussion", "assign_tasks", "score", "agenda", "report"]


@dataclass
class _RuleSetInfo:
    rule_set: object
    steps: dict  # kind -> [(rule_step_id, title, mandatory, code)]
    sheets: dict  # kind ("" for every kind) -> (sheet, [criteria])


class RuleBook:
    """The rule sets valid during the period, with their steps and sheets: four queries per seed."""

    def __init__(self, start: dt.date, end: dt.date):
        self.candidates = rule_sets_between(start, end)
        ids = [rs.pk for rs in self.candidates]
        self.info = {rs.pk: _RuleSetInfo(rs, defaultdict(list), {}) for rs in self.candidates}
        for step in RuleStep.objects.filter(rule_set_id__in=ids).order_by(
            "rule_set_id", "meeting_kind", "order"
        ):
            self.info[step.rule_set_id].steps[step.meeting_kind].append(
                (step.pk, step.title, step.mandatory, step.code)
            )
        criteria = defaultdict(list)
        for c in ScoringCriterion.objects.filter(sheet__rule_set_id__in=ids).order_by("sheet_id", "order"):
            criteria[c.sheet_id].append(c)
        for sheet in ScoringSheet.objects.filter(rule_set_id__in=ids).order_by("pk"):
            self.info[sheet.rule_set_id].sheets.setdefault(sheet.meeting_kind, (sheet, criteria[sheet.pk]))
        # Without a committee's copy (always so for a new tree) the choice depends on the day alone.
        self.by_day = all(rs.owner_id is None for rs in self.candidates)
        self._cache = {}

    def pick(self, paths: tuple[str, ...], day: dt.date) -> _RuleSetInfo | None:
        """As rule_set_for: the nearest owner's rule set valid that day, else the defaults."""
        if not self.by_day:
            chosen = pick_rule_set(self.candidates, paths=list(paths), day=day)
            return None if chosen is None else self.info[chosen.pk]
        if day not in self._cache:
            chosen = pick_rule_set(self.candidates, paths=list(paths), day=day)
            self._cache[day] = None if chosen is None else self.info[chosen.pk]
        return self._cache[day]


def _valid(start: dt.date, until: dt.date | None, day: dt.date) -> bool:
    return start <= day and (until is None or day < until)


# Roll-call lines recur with few shapes: one rules.Line per shape, not one per row.
_LINES = {}


def _line(status, exempt, official, temporary, accepted) -> rules.Line:
    key = (status, exempt, official, temporary, accepted)
    line = _LINES.get(key)
    if line is None:
        line = _LINES[key] = rules.Line(
            status=status, is_exempt=exempt, is_official=official, is_temporary=temporary, accepted=accepted
        )
    return line


class _Ward:
    """Who is where on a day, from the rows of one ward still in memory."""

    def __init__(self, rows: dict, official_on: dict):
        self.official = defaultdict(list)  # cell -> [(member, from, until)]
        self.temporary = defaultdict(list)
        self.away = defaultdict(list)  # member -> [(cell, from, until)] temporary memberships
        for _id, member, cell, kind, start, until, _note in rows[Membership]:
            if kind == MembershipKind.TEMPORARY:
                self.temporary[cell].append((member, start, until))
                self.away[member].append((cell, start, until))
            else:
                self.official[cell].append((member, start, until))
        self.exempt = defaultdict(list)
        for _id, member, start, until, *_rest in rows[Exemption]:
            self.exempt[member].append((start, until))
        self.positions = defaultdict(list)
        for _id, member, cell, kind, start, until, _ref in rows[Position]:
            self.positions[cell].append((member, kind, start, until))
        self.official_on = official_on

    def roster(self, cell: int, day: dt.date) -> list[tuple[int, bool, bool, bool]]:
        """roster_on(cell, day) as (member, is_exempt, is_temporary, is_official), by member id."""
        lines = {}
        for member, start, until in self.official[cell]:
            if not _valid(start, until, day):
                continue
            if any(c != cell and _valid(s, u, day) for c, s, u in self.away.get(member, ())):
                continue
            lines[member] = False
        for member, start, until in self.temporary[cell]:
            if _valid(start, until, day):
                lines[member] = True
        out = []
        for member in sorted(lines):
            exempt = any(_valid(s, u, day) for s, u in self.exempt.get(member, ()))
            official_on = self.official_on[member]
            out.append((member, exempt, lines[member], official_on is not None and official_on <= day))
        return out

    def leaders(self, cell: int, day: dt.date) -> tuple[int | None, int | None]:
        secretary = deputy = None
        for member, kind, start, until in self.positions[cell]:
            if _valid(start, until, day):
                if kind == PositionKind.SECRETARY:
                    secretary = member
                elif kind == PositionKind.DEPUTY:
                    deputy = member
        return secretary, deputy


class MeetingMaker:
    """Builds and writes one ward's meetings at a time."""

    def __init__(self, *, seed: int, writer, months: list[dt.date], today: dt.date):
        self.seed = seed
        self.w = writer
        self.months = months  # first days of the months with meetings (the last one may be ongoing)
        self.next_month = add_months(months[-1], 1)
        self.today = today
        self.book = RuleBook(months[0], add_months(self.next_month, 1))
        self.rows = {model: [] for model in MODELS}
        self.excuse_values = [v for v, _ in EXCUSES]
        self.excuse_weights = [w for _, w in EXCUSES]
        self.tasks = tasks.TaskMaker(writer=writer, today=today)
        # The held meetings of the cell being drawn, handed to the task maker once the cell is done.
        self._records = []
        self._regulars = []

    # -- per ward -------------------------------------------------------------------------------------
    def ward(
        self,
        index: int,
        cells: list,
        rows: dict,
        names: dict,
        official_on: dict,
        ward_place: str,
        work: dict | None = None,
        showcase: int | None = None,
    ):
        if not self.book.candidates:
            return  # no rule set installed: nothing a meeting could be judged by
        where = _Ward(rows, official_on)
        self.tasks.ward(names=names, work=work or {}, showcase=showcase)
        ward_rng = random.Random(f"{self.seed}:meetings:{index}")
        for cell in cells:
            rng = random.Random(ward_rng.getrandbits(64))  # one stream per cell: local changes stay local
            self._cell(rng, cell, where, names, ward_place)

    def write(self) -> None:
        for model in MODELS:
            self.w.write(model, COLUMNS[model], self.rows[model])
            self.rows[model] = []
        self.tasks.write()

    # -- per cell -------------------------------------------------------------------------------------
    def _cell(self, rng: random.Random, cell, where: _Ward, names: dict, ward_place: str) -> None:
        paths = tuple(cell.path[: i * SEGMENT] for i in range(1, len(cell.path) // SEGMENT + 1))
        profile = _Profile(
            presence=rng.uniform(0.72, 0.86) if rng.random() < 0.08 else rng.uniform(0.9, 0.99),
            sloppy=rng.random() < 0.15,
            hour=rng.choice([(19, 0), (19, 30), (20, 0)])
            if cell.kind == CellKind.RESIDENTIAL
            else rng.choice([(14, 0), (15, 0), (16, 30), (17, 0)]),
        )
        if cell.kind == CellKind.RESIDENTIAL:
            place = f"Nhà văn hóa {cell.address.split(',')[0]}" if cell.address else "Nhà văn hóa khu dân cư"
        else:
            place = f"Phòng họp {cell.name.removeprefix('Chi bộ ')}"
        missed = rng.randrange(len(self.months)) if rng.random() < 0.07 and len(self.months) > 2 else None
        self._records, self._regulars = [], []
        regular = {}  # month -> the held regular meeting's record, for a shared thematic session
        numbers = []  # (start, minutes row): numbered in the order the meetings took place
        for m, month in enumerate(self.months):
            day = self._day(rng, cell, month, 1, 10)
            if day is None or m == missed:
                continue
            record = self._meeting(
                rng, cell, where, names, MeetingKind.REGULAR, day, paths, place, profile, numbers
            )
            if record is not None:
                regular[month] = record
        # At least one thematic meeting a quarter, for most cells.
        quarters = defaultdict(list)
        for month in self.months:
            quarters[(month.year, (month.month - 1) // 3)].append(month)
        for months in quarters.values():
            if rng.random() < 0.12:
                continue  # this cell misses the quarter's thematic meeting
            month = rng.choice(months)
            shared = regular.get(month)
            if shared is not None and shared.held and rng.random() < 0.45:
                self._meeting(
                    rng, cell, where, names, MeetingKind.THEMATIC, shared.day, paths, place, profile,
                    numbers, shares=shared,
                )  # fmt: skip
                continue
            day = self._day(rng, cell, month, 11, 24)
            if day is not None:
                self._meeting(
                    rng, cell, where, names, MeetingKind.THEMATIC, day, paths, place, profile, numbers
                )
        # Next month's regular meeting, planned.
        day = self._day(rng, cell, self.next_month, 1, 10)
        if day is not None:
            self._meeting(rng, cell, where, names, MeetingKind.REGULAR, day, paths, place, profile, numbers)
        # Minutes numbers: one sequence per cell and year ("05-BB/CB"), as minutes_build gives them.
        per_year = defaultdict(int)
        for start, row in sorted(numbers, key=lambda pair: pair[0]):
            per_year[start.year] += 1
            row[2] = f"{per_year[start.year]:02d}-BB/CB"
        # Resolutions and tasks from their own stream, drawn after the meetings: these stay as they were.
        self.tasks.cell(random.Random(rng.getrandbits(64)), cell, self._records, self._regulars)

    def _day(self, rng, cell, month: dt.date, first: int, last: int) -> dt.date | None:
        """A day of the month between `first` and `last` on which the cell exists, or None."""
        lo, hi = month.replace(day=first), month.replace(day=last)
        if cell.founded_on > lo:
            lo = cell.founded_on + DAY
        if cell.dissolved_on is not None and cell.dissolved_on <= hi:
            hi = cell.dissolved_on - DAY
        if lo.month != month.month or lo.year != month.year:
            lo = hi + DAY  # founded after the window's month: nothing this month
        if lo > hi:
            return None
        return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))

    # -- one meeting ------------------------------------------------------------------------------------
    def _meeting(
        self, rng, cell, where, names, kind, day, paths, place, profile, numbers, shares=None
    ) -> "_Held | None":
        info = self.book.pick(paths, day)
        if info is None:
            return None
        rs = info.rule_set
        w = self.w
        mid = w.next_id(Meeting)
        month_text = f"{day.month}/{day.year}"
        if kind == MeetingKind.REGULAR:
            topic = f"Sinh hoạt thường kỳ tháng {month_text}"
        else:
            topic = rng.choice(THEMATIC_TOPICS)
        if shares is not None:
            scheduled = shares.ended + 5 * MINUTE
        else:
            hour, minute = profile.hour
            scheduled = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN)
        secretary, deputy = where.leaders(cell.id, day)
        drafter = secretary if secretary is not None and rng.random() < 0.8 else (deputy or secretary)
        created = scheduled - dt.timedelta(days=rng.randint(15, 40))
        row = [
            mid, cell.id, kind, MeetingStatus.PLANNED, rs.pk, scheduled, place, topic,
            shares.id if shares else None, "", "", "", None, None, None, None, None, None, None,
            None, None, "", created,
        ]  # fmt: skip
        self.rows[Meeting].append(row)
        row[drafter_i] = drafter
        if kind == MeetingKind.REGULAR:
            self._regulars.append((scheduled, mid, day))
        if day >= self.today:
            return None  # still ahead: planned
        if shares is None and rng.random() < 0.02:
            row[status_i] = MeetingStatus.CANCELLED
            row[cancel_i] = rng.choice(CANCEL_REASONS)
            return None

        roster = where.roster(cell.id, day)
        if not roster:
            row[status_i] = MeetingStatus.CANCELLED
            row[cancel_i] = "Chi bộ không còn đảng viên sinh hoạt"
            return None
        # Preparation.
        row[prep_i] = day - dt.timedelta(days=rng.randint(2, 6)) if rng.random() < 0.9 else None
        row[notice_i] = scheduled - dt.timedelta(days=rng.randint(2, 6), hours=rng.randint(0, 10))
        row[sup_i] = row[notice_i] if rng.random() < 0.6 else None
        roll = rng.random()
        if roll < (0.12 if profile.sloppy else 0.04):
            published = None  # no material at all
        elif roll < (0.3 if profile.sloppy else 0.1):
            published = scheduled - dt.timedelta(hours=rng.randint(1, 20))  # late: under 24 hours
        else:
            published = scheduled - dt.timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 12))
        row[mat_i] = published

        # Times.
        if shares is not None:
            started = scheduled
            length = rng.randint(40, 70)
        else:
            started = scheduled + rng.choice([0, 0, 0, 5, 10, 15]) * MINUTE
            short = rng.random() < (0.12 if profile.sloppy else 0.04)
            length = rng.randint(60, 89) if short else rng.randint(90, 150)
        ended = started + length * MINUTE
        row[status_i] = MeetingStatus.HELD
        row[start_i], row[end_i] = started, ended

        # Roll call.
        secretary_name = names.get(secretary) or names.get(deputy) or ""
        on_roster = {member for member, *_ in roster}
        if shares is not None:
            statuses = shares.statuses
        else:
            statuses = {}
            presence = profile.presence
            for member, exempt, _temporary, _official in roster:
                if exempt:
                    statuses[member] = (
                        AttendanceStatus.PRESENT if rng.random() < 0.15 else AttendanceStatus.EXEMPT
                    )
                elif rng.random() < presence:
                    statuses[member] = AttendanceStatus.PRESENT
                elif rng.random() < 0.85:
                    statuses[member] = AttendanceStatus.EXCUSED
                else:
                    statuses[member] = AttendanceStatus.UNEXCUSED
        chair = secretary if secretary in on_roster and rng.random() < 0.92 else deputy
        if chair not in on_roster:
            chair = secretary if secretary in on_roster else None
        if chair is None:
            officials = [m for m, exempt, temporary, official in roster if official and not exempt]
            chair = officials[0] if officials else roster[0][0]
        statuses = dict(statuses)
        statuses[chair] = AttendanceStatus.PRESENT
        present = [m for m, *_ in roster if statuses[m] == AttendanceStatus.PRESENT and m != chair]
        taker = rng.choice(present) if present else chair
        statuses[taker] = AttendanceStatus.PRESENT
        row[chair_i], row[taker_i] = chair, taker

        speakers = set()
        present_all = [m for m, *_ in roster if statuses[m] == AttendanceStatus.PRESENT]
        if present_all:
            share = rng.uniform(0.2, 0.45) if profile.sloppy else rng.uniform(0.4, 0.8)
            speakers = set(rng.sample(present_all, max(1, round(len(present_all) * share))))
        lines = []
        reasons = shares.reasons if shares is not None else {}
        attendance_rows = self.rows[Attendance]
        for member, exempt, temporary, official in roster:
            status = statuses[member]
            reason = accepted = ""
            if status == AttendanceStatus.EXCUSED:
                reason = reasons.get(member) or rng.choices(self.excuse_values, self.excuse_weights)[0]
                accepted = secretary_name if rng.random() < 0.95 else ""
                reasons[member] = reason
            late = None
            if status == AttendanceStatus.PRESENT and member not in (chair, taker) and rng.random() < 0.04:
                late = started + rng.randint(5, 25) * MINUTE
            attendance_rows.append(
                (
                    w.next_id(Attendance), mid, member, status, reason, accepted, exempt, temporary,
                    official, late, None, None, member in speakers,
                )
            )  # fmt: skip
            lines.append(_line(status, exempt, official, temporary, bool(accepted)))

        # Steps: mandatory ones done (now and then one skipped), optional ones often.
        steps = info.steps.get(kind, [])
        skipped = None
        if rng.random() < (0.15 if profile.sloppy else 0.04):
            codes = [code for _i, _t, mandatory, code in steps if mandatory and code in MISSED_STEP_CODES]
            skipped = rng.choice(codes) if codes else None
        step_ids = {}
        done_codes = set()
        for order, (rule_step_id, title, mandatory, code) in enumerate(steps, start=1):
            done = code != skipped and (mandatory or rng.random() < 0.6)
            sid = w.next_id(MeetingStep)
            step_ids[code] = sid
            at = started + (length * order // (len(steps) + 1)) * MINUTE if done else None
            if done:
                done_codes.add(code)
            self.rows[MeetingStep].append((sid, mid, rule_step_id, order, title, mandatory, done, at, ""))
        mandatory_total = sum(1 for s in steps if s[2])
        mandatory_done = sum(1 for s in steps if s[2] and s[3] in done_codes)
        missing = tuple(s[1] for s in steps if s[2] and s[3] not in done_codes)

        step_for_speech = step_ids.get("discussion") or step_ids.get("report")
        for order, member in enumerate(sorted(speakers)[:6], start=1):
            self.rows[Speech].append(
                (w.next_id(Speech), mid, step_for_speech, member, None, rng.choice(GISTS), order)
            )

        # The vote on the resolution (regular meetings end with one, when the step was done).
        vote_text = ""
        vote_id = None
        if kind == MeetingKind.REGULAR and "vote" in done_codes:
            entitled = rules.vote_entitled(lines)
            voters = rules.voters_present(lines)
            if voters:
                against = 1 if voters > 3 and rng.random() < 0.08 else 0
                abstain = 1 if voters - against > 3 and rng.random() < 0.05 else 0
                in_favour = voters - against - abstain
                passed = rules.vote_passed(kind=MotionKind.RESOLUTION, in_favour=in_favour, entitled=entitled)
                vid = w.next_id(Vote)
                vote_id = vid if passed else None
                self.rows[Vote].append(
                    (
                        vid, mid, MotionKind.RESOLUTION,
                        f"Thông qua nghị quyết chi bộ tháng {month_text}",
                        in_favour, against, abstain, entitled, passed, ended - 10 * MINUTE,
                    )
                )  # fmt: skip
                vote_text = (
                    f"Biểu quyết: {in_favour}/{entitled} đảng viên có quyền biểu quyết tán thành; "
                    f"nghị quyết {'được' if passed else 'không được'} thông qua."
                )

        # Material and minutes.
        if published is not None:
            title = (
                f"Dự thảo nghị quyết chi bộ tháng {month_text}"
                if kind == MeetingKind.REGULAR
                else f"Tài liệu chuyên đề: {topic}"
            )
            self.rows[MeetingMaterial].append(
                (w.next_id(MeetingMaterial), mid, title, "", published, None, published)
            )
        deadline = rules.minutes_deadline(day, rs.minutes_days_after)
        roll = rng.random()
        late_share = 0.25 if profile.sloppy else 0.07
        approved_at = None
        if roll < 0.05 or (self.today - day).days < 2 and roll < 0.7:
            pass  # still a draft
        elif roll < 0.05 + late_share:
            approved_at = dt.datetime.combine(
                deadline + dt.timedelta(days=rng.randint(1, 10)), dt.time(rng.randint(8, 17)), VN
            )
        else:
            approved_at = ended + dt.timedelta(minutes=rng.randint(5, 30))
            if rng.random() < 0.3:
                approved_at = dt.datetime.combine(
                    day + dt.timedelta(days=rng.randint(1, rs.minutes_days_after)),
                    dt.time(rng.randint(8, 17)),
                    VN,
                )
        if approved_at is not None and approved_at.date() > self.today:
            approved_at = None
        present_n, required_n = rules.attendance_counts(lines)
        body = "\n".join(
            [
                f"Thời gian: {started:%H giờ %M} ngày {day:%d/%m/%Y}. Địa điểm: {place}.",
                f"Chủ trì: đồng chí {names.get(chair, '')}; thư ký: đồng chí {names.get(taker, '')}.",
                f"Đảng viên có mặt {present_n}/{required_n}"
                + (f"; vắng có lý do: {', '.join(names.get(m, '') for m in reasons)}" if reasons else "")
                + ".",
                f"Nội dung: {topic}.",
                *(["Các bước chưa thực hiện: " + "; ".join(missing) + "."] if missing else []),
                *([vote_text] if vote_text else []),
            ]
        )
        minutes_row = [
            w.next_id(Minutes), mid, "", body, MinutesStatus.APPROVED if approved_at else MinutesStatus.DRAFT,
            approved_at, None, approved_at or ended + HOUR,
        ]  # fmt: skip
        self.rows[Minutes].append(minutes_row)
        numbers.append((started, minutes_row))

        # The score, for most meetings, from the sheet of the rule set.
        sheet, criteria = info.sheets.get(kind) or info.sheets.get("") or (None, [])
        score = None
        if sheet is not None and criteria and rng.random() < 0.9:
            speaking, in_room = len(speakers), len(present_all)
            shared = shares is not None
            minimum = rules.minimum_minutes(
                kind=kind,
                shared=shared,
                regular=rs.min_minutes_regular,
                thematic=rs.min_minutes_thematic,
                combined=rs.min_minutes_combined,
            )
            duration = length if shares is None else length + shares.length
            facts = sr.Facts(
                present=present_n,
                required=required_n,
                duration=duration,
                min_minutes=minimum,
                shares_session=shared,
                speakers=speaking,
                present_all=in_room,
                steps_done=mandatory_done,
                steps_total=mandatory_total,
                missing_steps=missing,
                materials_first_at=published,
                materials_deadline=sr.materials_deadline(started, rs.materials_days_before),
                materials_on_time=sr.materials_on_time(published, started, rs.materials_days_before),
                minutes_approved_at=approved_at,
                minutes_deadline=deadline,
                minutes_on_time=rules.minutes_on_time(
                    approved_on=approved_at.date() if approved_at else None,
                    meeting_day=day,
                    days_after=rs.minutes_days_after,
                    today=self.today,
                ),
                drafter_assigned=drafter is not None,
                prep_meeting_held=row[prep_i] is not None,
                notice_sent=True,
            )
            score_id = w.next_id(Score)
            marks = []
            for c in criteria:
                hint = sr.suggest(c.code, c.max_points, facts)
                if hint is not None:
                    points, note = hint.points, hint.reason
                else:
                    points = c.max_points - min(c.max_points, int(rng.triangular(0, c.max_points * 0.35, 0)))
                    note = ""
                marks.append(sr.Mark(c.pk, c.title, c.max_points, c.full_marks_for_good, points))
                self.rows[ScoreItem].append((w.next_id(ScoreItem), score_id, c.pk, points, note[:255]))
            outcome = sr.score_outcome(
                marks, good_from=sheet.good_from, fair_from=sheet.fair_from, average_from=sheet.average_from
            )
            confirmed = ended + dt.timedelta(days=rng.randint(1, 5)) if rng.random() < 0.7 else None
            if confirmed is not None and confirmed.date() > self.today:
                confirmed = None
            self.rows[Score].append(
                (score_id, mid, sheet.pk, outcome.total, outcome.grade, None, None, confirmed)
            )
            score = (outcome.total, outcome.grade)

        self._records.append(
            tasks.Record(
                id=mid, kind=kind, day=day, started=started, ended=ended, place=place, topic=topic,
                roster=roster, counts=attendance_counts(lines), chair=chair, taker=taker,
                done_codes=done_codes, vote_id=vote_id, score=score,
            )
        )  # fmt: skip

        if kind == MeetingKind.REGULAR:
            return _Held(mid, day, ended, length, True, statuses, reasons)
        return None


@dataclass
class _Profile:
    presence: float  # chance that a member who is not exempted comes
    sloppy: bool  # more skipped steps, late minutes and materials
    hour: tuple[int, int]


@dataclass
class _Held:
    id: int
    day: dt.date
    ended: dt.datetime
    length: int
    held: bool
    statuses: dict
    reasons: dict
