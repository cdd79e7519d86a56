"""Demo resolutions, conclusions and tasks, in bulk, from the meetings chibo.demo.meetings just drew.

The rows are those the resolution services would have written: every held meeting has its resolution
(regular) or conclusion (thematic), numbered per cell and year once approved; a held regular meeting
gives a task to most members of its roll call (working, non-exempt ones above all: T5), a thematic one
now and then; the cell's next held regular meeting evaluates them (done, not done, carried over to a
follow-up task linked by carried_from), and the tasks of the last meetings are still running, with a
few progress notes and some already overdue. Everything is built from the meeting records in memory:
no query.
"""

import datetime as dt
from dataclasses import dataclass, field

from chibo.meetings.models import MeetingKind
from chibo.members.models import WorkStatus
from chibo.orgs.models import CellKind
from chibo.resolutions.models import (
    Resolution,
    ResolutionKind,
    ResolutionStatus,
    Task,
    TaskNote,
    TaskStatus,
)
from chibo.resolutions.rules import NUMBER_SUFFIX

MODELS = [Resolution, Task, TaskNote]
DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
VN = dt.timezone(dt.timedelta(hours=7))

RESOLUTION_COLUMNS = [
    "id",
    "meeting_id",
    "cell_id",
    "kind",
    "number",
    "issued_on",
    "year",
    "preamble",
    "results",
    "direction",
    "assignments",
    "self_assessment",
    "vote_id",
    "status",
    "approved_at",
    "approved_by_id",
    "created_at",
    "updated_at",
]
TASK_COLUMNS = [
    "id",
    "cell_id",
    "meeting_id",
    "member_id",
    "text",
    "due_on",
    "report_meeting_id",
    "status",
    "progress",
    "completed_at",
    "evaluation",
    "evaluated_at",
    "evaluated_in_id",
    "evaluated_by_id",
    "carried_from_id",
    "created_at",
    "created_by_id",
    "updated_at",
]
NOTE_COLUMNS = ["id", "task_id", "author_id", "text", "progress", "file", "created_at"]
COLUMNS = {Resolution: RESOLUTION_COLUMNS, Task: TASK_COLUMNS, TaskNote: NOTE_COLUMNS}
# Positions in a task row.
(
    T_ID, T_MEETING, T_MEMBER, T_TEXT, T_DUE, T_STATUS, T_PROGRESS, T_COMPLETED, T_EVALUATION, T_EVAL_AT,
    T_EVAL_IN, T_CREATED, T_UPDATED,
) = (
    TASK_COLUMNS.index(c)
    for c in (
        "id", "meeting_id", "member_id", "text", "due_on", "status", "progress", "completed_at", "evaluation",
        "evaluated_at", "evaluated_in_id", "created_at", "updated_at",
    )
)  # fmt: skip

# What a cell asks of its members month after month; residential cells and units differ.
RESIDENTIAL_TASKS = [
    "Vận động các hộ gia đình trong tổ dân phố đóng góp quỹ khuyến học",
    "Tham gia tổng vệ sinh môi trường khu dân cư sáng chủ nhật cuối tháng",
    "Nắm tình hình dư luận trong nhân dân, báo cáo chi ủy",
    "Kèm cặp, giúp đỡ quần chúng ưu tú trong tổ dân phố phấn đấu vào Đảng",
    "Vận động hộ gia đình phân loại rác thải tại nguồn",
    "Tuyên truyền người dân sử dụng dịch vụ công trực tuyến, thanh toán không dùng tiền mặt",
    "Thăm hỏi, động viên các gia đình chính sách, hộ khó khăn trong tổ",
    "Phối hợp với tổ trưởng dân phố hòa giải mâu thuẫn giữa các hộ",
    "Vận động các hộ kinh doanh không lấn chiếm vỉa hè",
    "Tuyên truyền phòng, chống cháy nổ tới các hộ gia đình",
    "Vận động nhân dân tham gia bảo hiểm y tế, bảo hiểm xã hội tự nguyện",
    "Nắm tình hình thanh niên, thiếu niên trong khu dân cư dịp nghỉ hè",
    "Vận động hội viên Hội Người cao tuổi tham gia sinh hoạt câu lạc bộ",
    "Theo dõi, giúp đỡ người mới ra tù hòa nhập cộng đồng",
    "Tham gia tổ an ninh trật tự cơ sở, tuần tra đêm",
    "Vận động các hộ đăng ký gia đình văn hóa",
]
UNIT_TASKS = [
    "Hoàn thành kế hoạch công tác chuyên môn được giao trong tháng",
    "Nắm tình hình tư tưởng của cán bộ, người lao động trong bộ phận, báo cáo chi ủy",
    "Kèm cặp, giúp đỡ quần chúng ưu tú trong đơn vị phấn đấu vào Đảng",
    "Tham gia vệ sinh môi trường nơi làm việc và khu dân cư nơi cư trú",
    "Giữ mối liên hệ với chi ủy, tổ dân phố nơi cư trú theo Quy định 213-QĐ/TW",
    "Chủ trì rà soát, cải cách thủ tục hành chính trong bộ phận",
    "Tuyên truyền, vận động người lao động thực hiện văn hóa công sở",
    "Tham gia đóng góp ý kiến vào dự thảo văn bản của đơn vị",
    "Hướng dẫn đồng nghiệp sử dụng phần mềm quản lý văn bản điện tử",
    "Tham gia hoạt động thiện nguyện do công đoàn đơn vị phát động",
    "Nắm tình hình dư luận trên mạng xã hội liên quan đến đơn vị",
    "Thực hiện tiết kiệm, chống lãng phí trong sử dụng tài sản công",
    "Chuẩn bị báo cáo sơ kết công tác của bộ phận",
]
THEMATIC_TASKS = [
    "Viết bài thu hoạch chuyên đề “{topic}”",
    "Tuyên truyền nội dung chuyên đề “{topic}” tới quần chúng nơi cư trú",
    "Đăng ký việc làm cụ thể thực hiện chuyên đề “{topic}”",
    "Chuẩn bị tham luận về chuyên đề “{topic}” cho kỳ sinh hoạt sau",
]
DIRECTIONS = [
    "Tiếp tục quán triệt, triển khai các nghị quyết, chỉ thị của cấp trên tới từng đảng viên.",
    "Nâng cao chất lượng sinh hoạt chi bộ, phát huy tự phê bình và phê bình.",
    "Làm tốt công tác nắm tình hình tư tưởng đảng viên và dư luận trong nhân dân.",
    "Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
    "Chăm lo công tác phát triển đảng viên; kèm cặp quần chúng ưu tú.",
    "Thu, nộp đảng phí đầy đủ, đúng hạn.",
    "Phát huy vai trò nêu gương của đảng viên nơi cư trú.",
    "Phối hợp với các đoàn thể thực hiện tốt công tác an sinh xã hội.",
]
CONCLUSIONS = [
    "Chi bộ thống nhất: mỗi đảng viên liên hệ bản thân, đăng ký việc làm cụ thể thực hiện chuyên đề.",
    "Chi ủy đưa nội dung chuyên đề vào kiểm điểm đánh giá đảng viên cuối năm.",
    "Đảng viên tuyên truyền nội dung chuyên đề tới gia đình và quần chúng nơi cư trú.",
    "Giao chi ủy theo dõi, đôn đốc việc thực hiện; sơ kết tại kỳ sinh hoạt chuyên đề sau.",
]
DONE_REMARKS = ["Hoàn thành tốt.", "Hoàn thành đúng hạn.", "Hoàn thành.", "Hoàn thành, có kết quả rõ."]
LATE_REMARKS = ["Hoàn thành nhưng chậm so với thời hạn.", "Hoàn thành, còn chậm tiến độ."]
NOT_DONE_REMARKS = [
    "Chưa hoàn thành do ốm, đề nghị rút kinh nghiệm.",
    "Chưa triển khai, đồng chí nhận khuyết điểm.",
    "Không hoàn thành do đi công tác dài ngày.",
    "Mới thực hiện một phần, chưa đạt yêu cầu.",
]
CARRY_REMARKS = [
    "Khối lượng lớn, chuyển sang tháng sau.",
    "Đang triển khai, chuyển kỳ sau hoàn thành.",
    "Chưa đủ điều kiện hoàn thành, gia hạn sang tháng sau.",
]
PROGRESS_NOTES = [
    "Đã triển khai, đang thực hiện.",
    "Đã làm được khoảng một nửa khối lượng.",
    "Đã trao đổi với tổ trưởng dân phố, đang phối hợp thực hiện.",
    "Đã gặp gỡ, trao đổi với các hộ; còn một số hộ chưa đồng thuận.",
    "Đang hoàn thiện báo cáo.",
]


@dataclass(eq=False)
class Record:
    """A held meeting, as chibo.demo.meetings drew it: what its resolution and tasks need."""

    id: int
    kind: str
    day: dt.date
    started: dt.datetime
    ended: dt.datetime
    place: str
    topic: str
    roster: list  # [(member, is_exempt, is_temporary, is_official)]
    counts: object  # meetings.services.minutes.AttendanceCounts
    chair: int | None
    taker: int | None
    done_codes: set
    vote_id: int | None  # the passing vote on the resolution, if any
    score: tuple | None  # (total, grade)
    tasks: list = field(default_factory=list)  # rows of the tasks given at this meeting
    reviewed: list = field(default_factory=list)  # rows of the tasks it evaluated
    windows: dict = field(default_factory=dict)  # shortest delay -> (first day, days, report meeting)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN)


_DAYS = {}


def _fmt(day: dt.date) -> str:
    text = _DAYS.get(day)
    if text is None:
        text = _DAYS[day] = day.strftime("%d/%m/%Y")
    return text


def _pick(rng, seq):
    # rng.choice costs a few getrandbits calls; one random() is enough for these short lists.
    return seq[int(rng.random() * len(seq))]


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%".replace(".", ",") if whole else "—"


class TaskMaker:
    """Builds one ward's resolutions and tasks, cell by cell; MeetingMaker writes them with its own rows."""

    def __init__(self, *, writer, today: dt.date):
        self.w = writer
        self.today = today
        self.rows = {model: [] for model in MODELS}
        self.names = {}
        self.work = {}
        self.showcase = None

    def ward(self, *, names: dict, work: dict, showcase: int | None) -> None:
        self.names, self.work, self.showcase = names, work, showcase

    def write(self) -> None:
        for model in MODELS:
            self.w.write(model, COLUMNS[model], self.rows[model])
            self.rows[model] = []

    # -- per cell -------------------------------------------------------------------------------------
    def cell(self, rng, cell, records: list[Record], regulars: list[tuple]) -> None:
        """`records`: the cell's held meetings; `regulars`: (scheduled_at, id, day) of every regular
        meeting of the cell, held, cancelled or planned (where a task is reported)."""
        if not records:
            return
        records.sort(key=lambda r: r.started)
        regulars.sort()
        pool = RESIDENTIAL_TASKS if cell.kind == CellKind.RESIDENTIAL else UNIT_TASKS
        # Most cells give every working member a task; some leave one or two out (T5 below 100%).
        gap = 0.0 if rng.random() < 0.6 else rng.uniform(0.04, 0.14)
        retired_share = rng.uniform(0.15, 0.6)
        done_share = min(0.9, max(0.6, rng.gauss(0.76, 0.06)))
        open_rows = []  # tasks not yet evaluated, oldest first
        recent = self.today - dt.timedelta(days=45)
        for record in records:
            if record.kind == MeetingKind.REGULAR and "task_review" in record.done_codes:
                open_rows = self._review(rng, cell, record, open_rows, regulars, done_share, recent)
            if record.kind == MeetingKind.REGULAR and "assign_tasks" in record.done_codes:
                self._assign(rng, cell, record, regulars, pool, gap, retired_share)
            elif record.kind == MeetingKind.THEMATIC and rng.random() < 0.3:
                self._assign_thematic(rng, cell, record, regulars)
            open_rows.extend(record.tasks)
        if cell.dissolved_on is not None:
            self._closed(rng, cell, open_rows)
        else:
            self._running(rng, cell, open_rows)
        self._resolutions(rng, cell, records)

    def _due(self, rng, record: Record, regulars, shortest: int) -> tuple[dt.date, int | None]:
        """A deadline before the next regular meeting, and that meeting (where the task is reported)."""
        window = record.windows.get(shortest)
        if window is None:
            following = next((entry for entry in regulars if entry[0] > record.ended), None)
            last = (following[2] - DAY) if following else record.day + dt.timedelta(days=28)
            first = max(min(record.day + dt.timedelta(days=shortest), last), record.day)
            window = record.windows[shortest] = (first, (last - first).days + 1, following and following[1])
        first, days, report = window
        return first + dt.timedelta(days=int(rng.random() * days)), report

    def _task(self, cell, record, member, text, due, report, *, carried_from=None, progress=0) -> list:
        status = TaskStatus.IN_PROGRESS if progress else TaskStatus.ASSIGNED
        created = record.ended - 5 * MINUTE
        row = [
            self.w.next_id(Task), cell.id, record.id, member, text, due, report, status, progress, None, "",
            None, None, None, carried_from, created, None, created,
        ]  # fmt: skip
        self.rows[Task].append(row)
        record.tasks.append(row)
        return row

    def _assign(self, rng, cell, record: Record, regulars, pool, gap, retired_share) -> None:
        given = {row[T_MEMBER] for row in record.tasks}  # follow-ups of carried-over tasks
        working = [
            m for m, exempt, *_ in record.roster if not exempt and self.work.get(m) == WorkStatus.WORKING
        ]
        others = [
            m for m, exempt, *_ in record.roster if not exempt and self.work.get(m) != WorkStatus.WORKING
        ]
        # Leaving one out of fewer than five would drop T5 below 80%: small groups all get a task.
        skip_cap = len(working) * 15 // 100 if len(working) >= 7 else (1 if len(working) >= 5 else 0)
        chosen = []
        skipped = 0
        for member in working:
            if gap and skipped < skip_cap and member != self.showcase and rng.random() < gap:
                skipped += 1
                continue
            chosen.append(member)
        chosen += [m for m in others if m == self.showcase or rng.random() < retired_share]
        month_texts = rng.sample(pool, min(len(pool), 4))  # a month's resolution names a few tasks
        for member in chosen:
            if member in given and rng.random() < 0.5:
                continue  # the carried-over task is this month's task
            text = _pick(rng, month_texts)
            if member in given and any(r[T_TEXT] == text for r in record.tasks if r[T_MEMBER] == member):
                continue
            due, report = self._due(rng, record, regulars, 10)
            self._task(cell, record, member, text, due, report)

    def _assign_thematic(self, rng, cell, record: Record, regulars) -> None:
        eligible = [m for m, exempt, *_ in record.roster if not exempt]
        if not eligible:
            return
        members = rng.sample(eligible, min(len(eligible), rng.randint(2, 5)))
        for member in members:
            text = _pick(rng, THEMATIC_TASKS).format(topic=record.topic)
            due, report = self._due(rng, record, regulars, 5)
            self._task(cell, record, member, text, due, report)

    def _review(self, rng, cell, record: Record, open_rows, regulars, done_share, recent) -> list:
        """The "review tasks" step: the cell evaluates what earlier meetings gave; a few tasks wait."""
        on_roll = {m for m, *_ in record.roster}
        at = record.started + (record.ended - record.started) / 4
        still_open = []
        for row in open_rows:
            if rng.random() < (0.12 if record.day >= recent else 0.02):
                still_open.append(row)  # not reported yet: evaluated at a later meeting, or overdue now
                continue
            due = row[T_DUE]
            roll = rng.random()
            if roll < done_share:
                outcome = TaskStatus.DONE
            elif roll < done_share + (1 - done_share) / 2 or row[T_MEMBER] not in on_roll:
                outcome = TaskStatus.NOT_DONE
            else:
                outcome = TaskStatus.CARRIED_OVER
            row[T_STATUS], row[T_EVAL_AT], row[T_EVAL_IN], row[T_UPDATED] = outcome, at, record.id, at
            if outcome == TaskStatus.DONE:
                row[T_PROGRESS] = 100
                if rng.random() < 0.18 and due < record.day:
                    finished = due + dt.timedelta(days=rng.randint(1, (record.day - due).days))
                    row[T_EVALUATION] = _pick(rng, LATE_REMARKS)
                else:
                    finished = max(row[T_CREATED].date(), due - dt.timedelta(days=int(rng.random() * 7)))
                    row[T_EVALUATION] = _pick(rng, DONE_REMARKS) if rng.random() < 0.6 else ""
                moment = _at(finished, 8 + int(rng.random() * 14), _pick(rng, (0, 15, 30, 45)))
                row[T_COMPLETED] = min(max(moment, row[T_CREATED] + HOUR), at)
            elif outcome == TaskStatus.NOT_DONE:
                row[T_PROGRESS] = max(row[T_PROGRESS], _pick(rng, (0, 0, 10, 20, 30, 50)))
                row[T_EVALUATION] = _pick(rng, NOT_DONE_REMARKS)
            else:
                row[T_PROGRESS] = max(row[T_PROGRESS], _pick(rng, (20, 30, 40, 50, 60, 70)))
                row[T_EVALUATION] = _pick(rng, CARRY_REMARKS)
                new_due, report = self._due(rng, record, regulars, 10)
                follow = self._task(
                    cell, record, row[T_MEMBER], row[T_TEXT], new_due, report,
                    carried_from=row[T_ID], progress=row[T_PROGRESS],
                )  # fmt: skip
                follow[T_CREATED] = follow[T_UPDATED] = (
                    at  # created at the review, like task_evaluate's follow-up
                )
            record.reviewed.append(row)
        return still_open

    def _closed(self, rng, cell, open_rows) -> None:
        """A dissolved cell's last tasks: evaluated outside a meeting before the merger (meeting=None)."""
        for row in open_rows:
            at = max(_at(cell.dissolved_on - DAY, 9), row[T_CREATED] + HOUR)
            if rng.random() < 0.8:
                row[T_STATUS], row[T_PROGRESS], row[T_COMPLETED] = TaskStatus.DONE, 100, at - HOUR
            else:
                row[T_STATUS] = TaskStatus.NOT_DONE
            row[T_EVALUATION] = "Chi ủy đánh giá trước khi sáp nhập chi bộ."
            row[T_EVAL_AT] = row[T_UPDATED] = at

    def _running(self, rng, cell, open_rows) -> None:
        """Tasks nobody evaluated yet: assigned, in progress (with notes) or reported done by the member."""
        last = self.today - DAY
        for row in open_rows:
            created = row[T_CREATED]
            first = created.date()
            roll = rng.random()
            if row[T_STATUS] == TaskStatus.IN_PROGRESS and roll < 0.3:
                roll = 0.5  # a carried-over follow-up was already under way
            if roll < 0.3 or first > last:
                continue  # assigned, nothing reported yet
            when = first + dt.timedelta(days=rng.randint(0, max(0, (min(last, row[T_DUE]) - first).days)))
            moment = max(_at(when, rng.randint(7, 21), _pick(rng, (0, 10, 20, 30, 40, 50))), created + MINUTE)
            if roll < 0.82:
                progress = max(row[T_PROGRESS], _pick(rng, (10, 20, 30, 40, 50, 60, 70, 80, 90)))
                row[T_STATUS], row[T_PROGRESS], row[T_UPDATED] = TaskStatus.IN_PROGRESS, progress, moment
                if rng.random() < 0.5:
                    self.rows[TaskNote].append(
                        (
                            self.w.next_id(TaskNote),
                            row[T_ID],
                            None,
                            _pick(rng, PROGRESS_NOTES),
                            progress,
                            "",
                            moment,
                        )
                    )
            else:
                row[T_STATUS], row[T_PROGRESS], row[T_COMPLETED], row[T_UPDATED] = (
                    TaskStatus.DONE, 100, moment, moment,
                )  # fmt: skip
                self.rows[TaskNote].append(
                    (self.w.next_id(TaskNote), row[T_ID], None, "Báo hoàn thành.", 100, "", moment)
                )
        # The showcase cell's secretary sees overdue tasks: one of the latest is past its deadline.
        if self.showcase is not None and any(row[T_MEMBER] == self.showcase for row in open_rows):
            running = [r for r in open_rows if r[T_STATUS] in (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS)]
            if running and not any(r[T_DUE] < self.today for r in running):
                row = next((r for r in reversed(running) if r[T_MEMBER] != self.showcase), running[-1])
                row[T_DUE] = max(row[T_CREATED].date(), self.today - dt.timedelta(days=rng.randint(1, 5)))

    # -- resolutions and conclusions ------------------------------------------------------------------------
    def _resolutions(self, rng, cell, records: list[Record]) -> None:
        names = self.names
        numbered = []
        for record in records:
            kind = (
                ResolutionKind.RESOLUTION if record.kind == MeetingKind.REGULAR else ResolutionKind.CONCLUSION
            )
            c = record.counts
            length = int((record.ended - record.started).total_seconds() // 60)
            preamble = (
                f"Thời gian: {record.started:%d/%m/%Y %H:%M} đến {record.ended:%d/%m/%Y %H:%M} ({length} phút)\n"
                f"Địa điểm: {record.place or '(chưa ghi)'}\n"
                f"Tổng số đảng viên của chi bộ: {c.roster}; miễn sinh hoạt: {c.exempt}"
                + (f" (có {c.exempt_present} đồng chí vẫn dự)" if c.exempt_present else "")
                + f"; phải dự: {c.required}.\n"
                f"Có mặt: {c.present} ({_percent(c.present, c.required)}); vắng có lý do: {c.excused}; "
                f"vắng không lý do: {c.unexcused}.\n"
                f"Chủ trì: đồng chí {names.get(record.chair, '(chưa ghi)')}; "
                f"thư ký: đồng chí {names.get(record.taker, '(chưa ghi)')}.\n"
            )
            results = self._results_text(record)
            if kind == ResolutionKind.RESOLUTION:
                direction = "\n".join(rng.sample(DIRECTIONS, 3)) + "\n"
            else:
                direction = f"Về chuyên đề “{record.topic}”:\n" + "\n".join(rng.sample(CONCLUSIONS, 2)) + "\n"
            assignments = self._assignments_text(record)
            if record.score is not None and record.score[0]:
                total, grade = record.score
                assessment = f"Chi bộ tự đánh giá buổi sinh hoạt đạt {total} điểm" + (
                    f", xếp loại {grade}.\n" if grade else ".\n"
                )
            else:
                assessment = "(Chi bộ tự đánh giá chất lượng buổi sinh hoạt.)\n"
            # Approved within a few days, as resolution_approve allows: a resolution needs its passing vote.
            approved_at = None
            may_approve = kind == ResolutionKind.CONCLUSION or record.vote_id is not None
            last_month = (self.today - record.day).days < 30
            if may_approve and not (last_month and rng.random() < 0.25):
                approved_at = record.ended + rng.randint(10, 60 * 24 * 4) * MINUTE
                if approved_at.date() >= self.today:
                    approved_at = record.ended + 15 * MINUTE
            row = [
                self.w.next_id(Resolution), record.id, cell.id, kind, "", record.day, record.day.year, preamble,
                results, direction, assignments, assessment, record.vote_id,
                ResolutionStatus.APPROVED if approved_at else ResolutionStatus.DRAFT, approved_at, None,
                record.ended, approved_at or record.ended,
            ]  # fmt: skip
            self.rows[Resolution].append(row)
            if approved_at is not None:
                numbered.append((approved_at, row))
        # Numbers as resolution_approve gives them: per cell, year and kind, in the order of approval.
        sequence = {}
        for _moment, row in sorted(numbered, key=lambda pair: pair[0]):
            key = (row[6], row[3])
            sequence[key] = sequence.get(key, 0) + 1
            row[4] = f"{sequence[key]:02d}{NUMBER_SUFFIX[row[3]]}"

    def _results_text(self, record: Record) -> str:
        reviewed = record.reviewed
        if not reviewed:
            return "Không có nhiệm vụ nào từ kỳ trước cần kiểm điểm.\n"
        done = sum(1 for r in reviewed if r[T_STATUS] == TaskStatus.DONE)
        not_done = sum(1 for r in reviewed if r[T_STATUS] == TaskStatus.NOT_DONE)
        out = [
            f"Kiểm điểm {len(reviewed)} nhiệm vụ được giao từ kỳ trước: {done} hoàn thành, "
            f"{not_done} không hoàn thành, {len(reviewed) - done - not_done} chuyển kỳ sau."
        ]
        labels = dict(TaskStatus.choices)
        names = self.names
        for r in reviewed:
            line = f"- Đồng chí {names.get(r[T_MEMBER], '')}: {r[T_TEXT]} (hạn {_fmt(r[T_DUE])}) — {labels[r[T_STATUS]]}"
            out.append(line + (f". {r[T_EVALUATION]}" if r[T_EVALUATION] else ""))
        return "\n".join(out) + "\n"

    def _assignments_text(self, record: Record) -> str:
        if not record.tasks:
            return "(Chưa phân công nhiệm vụ cho đảng viên.)\n"
        names = self.names
        return (
            "\n".join(
                f"- Đồng chí {names.get(r[T_MEMBER], '')}: {r[T_TEXT]} (hạn {_fmt(r[T_DUE])})"
                for r in sorted(record.tasks, key=lambda r: r[T_MEMBER])
            )
            + "\n"
        )
