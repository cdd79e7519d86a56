"""A ward's real history brought in as a new user would (DOMAIN §8): two months of Kim Liên
ward's paper books typed into the files of docs/import-formats.md (tests/data/ward_history/), imported
by the ward's staff, and every indicator's numerator and denominator checked against figures counted
by hand, for the ward and each cell. Then the same history with the minutes-book columns left empty:
the dry run names each meeting, row and column, and the indicators read "not met" exactly there.

Ward KL (Đảng bộ phường Kim Liên, created by the administrator; its staff imports the rest). Today is
fixed at 15/01/2026. October meetings before 28/10 follow HD 12 (`score` not mandatory), November's HD 42.

KL-01  An (secretary, party-work course 03/2025: valid), Bình (deputy, same course), Cường, Dung, Em
       (Em moves to KL-02 on 15/10). Meets perfectly. Supervisor Giám (KL-04, assigned to follow KL-01
       from 01/09/2025) attends 08/10 and 05/11. Thematic meeting 22/10.
KL-02  Giang (secretary, course 01/2023: expired), Hải, Hoa (exempt since 01/01/2025), Khánh (retired),
       Lan, and Em from 15/10. Materials late both months (20/10: sent the same morning; 12/11: 23 h 30
       before), minutes of 20/10 approved 24/10 (late), thematic 26/11 approved 30/11 (late).
KL-03  Minh (secretary, only a political-theory course), Nga (deputy, attended a course, not completed),
       Phúc, Quế, Sơn. 10/10 skipped the mandatory `task_review`; a second October meeting (24/10)
       cancelled with its reason; two November meetings (21/11 with the reason for meeting again), the
       second without the mandatory `vote`.
KL-04  Giám, Tâm (secretary from 01/06/2025, completed the ward's course on 14/11/2025), Út (probationary).
       25/10: materials exactly 24 h before (on time), only optional steps missed; November's meeting
       cancelled (storm): no regular meeting that month.
"""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from chibo.dataio.formats import FORMATS
from chibo.dataio.services import import_data
from chibo.members.models import Member
from chibo.orgs.models import Organisation, OrgKind, RoleKind
from chibo.reporting import engine, periods
from tests.factories import make_org, make_user
from tests.reporting.clock import fix_today
from tests.reporting.scenario import run_facts_job

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data" / "ward_history"
TODAY = dt.date(2026, 1, 15)

# The order docs/import-formats.md §1 gives for the sheets of one workbook.
BEFORE_MEETINGS = ["orgs", "members", "memberships", "positions", "exemptions", "trainings", "courses"]
MEETINGS = ["meetings", "attendances", "tasks"]


def read_rows(kind: str) -> tuple[list[str], list[list[str]]]:
    with open(DATA / f"{kind}.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def file_bytes(kind: str) -> bytes:
    return (DATA / f"{kind}.csv").read_bytes()


def import_file(kind: str, *, user, data: bytes | None = None, dry_run: bool = False):
    result = import_data(
        data=file_bytes(kind) if data is None else data,
        filename=f"{kind}.csv",
        kind=kind,
        user=user,
        dry_run=dry_run,
    )
    assert result.ok, [str(e) for e in result.errors]
    assert result.written != dry_run
    return result


@pytest.fixture
def ward(db, monkeypatch):
    """What the administrator sets up: the city, the ward, the ward's staff account (the one who imports
    everything) and, once the members are in, an account for the ward committee member Giám."""
    fix_today(monkeypatch, TODAY)
    city = make_org("Thành ủy Hà Nội", kind=OrgKind.CITY, code="HN")
    ward = make_org(
        "Đảng bộ phường Kim Liên",
        kind=OrgKind.GRASSROOTS,
        parent=city,
        code="KL",
        founded_on=dt.date(1990, 1, 1),
    )
    staff = make_user("canbo_kl", role=RoleKind.STAFF, org=ward)
    for kind in BEFORE_MEETINGS[:2]:
        import_file(kind, user=staff)
    make_user("giam_kl", role=RoleKind.SUPERVISOR, org=ward, member=Member.objects.get(card_number="KL0401"))
    for kind in BEFORE_MEETINGS[2:] + ["supervision"]:
        import_file(kind, user=staff)
    return staff


# -- the figures counted by hand ----------------------------------------------------------------------
# Rosters: KL-01 08/10 An Bình Cường Dung Em; after 15/10 An Bình Cường Dung. KL-02 Giang Hải Hoa(exempt)
# Khánh(retired) Lan, + Em from 15/10. KL-03 Minh Nga Phúc Quế Sơn. KL-04 Giám Tâm Út.
# T5 counts working, non-exempt members on the roster on the month's last day: KL-01 4, KL-02 4 (not Hoa,
# not Khánh), KL-03 5, KL-04 3 → 16. T6 counts An, Bình | Giang | Minh, Nga | Tâm → 6 leaders.

OCTOBER = {
    # 08/10 all 5 present, materials 06/10 19:00 (2 days), only optional steps missed, minutes 09/10,
    # Giám attended. 22/10 thematic, minutes 23/10. T5: An Bình Cường Dung (Em's task was given here
    # but he is on KL-02's roster on 31/10). T6: both trained 03/2025.
    "KL-01": {
        "regular_meeting_rate": (1, 1),
        "thematic_meeting_rate": (1, 1),
        "materials_rate": (1, 1),
        "procedure_rate": (1, 1),
        "attendance_rate": (5, 5),
        "cells_attendance_ok_rate": (1, 1),
        "task_coverage_rate": (4, 4),
        "leader_training_rate": (2, 2),
        "minutes_on_time_rate": (2, 2),
        "supervision_rate": (1, 1),
    },
    # 20/10: materials sent 08:00 that day (late); every step; minutes 24/10 > 22/10 (late). Present
    # Giang Hải Khánh Lan Em, Hoa exempt (in neither) → 5/5. Tasks Em, Hải, Khánh (retired: not counted)
    # → 2 of Giang Hải Lan Em. Giang's course ended 07/01/2023, more than 30 months before 31/10/2025.
    "KL-02": {
        "regular_meeting_rate": (1, 1),
        "thematic_meeting_rate": (0, 1),
        "materials_rate": (0, 1),
        "procedure_rate": (1, 1),
        "attendance_rate": (5, 5),
        "cells_attendance_ok_rate": (1, 1),
        "task_coverage_rate": (2, 4),
        "leader_training_rate": (0, 1),
        "minutes_on_time_rate": (0, 1),
        "supervision_rate": (0, 1),
    },
    # 10/10: materials 07/10 20:00; steps listed without task_review (mandatory) → not full; minutes
    # 12/10 = the second day (on time). Quế excused, Sơn unexcused → 3/5 < 90%. 24/10 cancelled: counts
    # nowhere. Tasks Phúc, Sơn → 2/5. Minh: political theory only; Nga: attended, not completed.
    "KL-03": {
        "regular_meeting_rate": (1, 1),
        "thematic_meeting_rate": (0, 1),
        "materials_rate": (1, 1),
        "procedure_rate": (0, 1),
        "attendance_rate": (3, 5),
        "cells_attendance_ok_rate": (0, 1),
        "task_coverage_rate": (2, 5),
        "leader_training_rate": (0, 2),
        "minutes_on_time_rate": (1, 1),
        "supervision_rate": (0, 1),
    },
    # 25/10 08:00: materials 24/10 08:00, exactly 24 h (on time); only optional steps missed (`score` is
    # optional in HD 12); minutes the same day; 3/3; no task. Tâm's course ends 14/11: not yet.
    "KL-04": {
        "regular_meeting_rate": (1, 1),
        "thematic_meeting_rate": (0, 1),
        "materials_rate": (1, 1),
        "procedure_rate": (1, 1),
        "attendance_rate": (3, 3),
        "cells_attendance_ok_rate": (1, 1),
        "task_coverage_rate": (0, 3),
        "leader_training_rate": (0, 1),
        "minutes_on_time_rate": (1, 1),
        "supervision_rate": (0, 1),
    },
}

NOVEMBER = {
    # 05/11: perfect again (HD 42, optional steps missed), Giám attended; the thematic of 22/10 is in the
    # quarter. Tasks An Bình Cường Dung → 4/4.
    "KL-01": {
        "regular_meeting_rate": (1, 1),
        "thematic_meeting_rate": (1, 1),
        "materials_rate": (1, 1),
        "procedure_rate": (1, 1),
        "attendance_rate": (4, 4),
        "cells_attendance_ok_rate": (1, 1),
        "task_coverage_rate": (4, 4),
        "leader_training_rate": (2, 2),
        "minutes_on_time_rate": (1, 1),
        "supervision_rate": (1, 1),
    },
    # 12/11: materials 11/11 20:00, 23 h 30 before (late); minutes 14/11 (on time). Present Giang Hải Em,
    # Hoa (exempt, came: in neither), Khánh unexcused, Lan excused → 3/5. 26/11 thematic, minutes 30/11
    # > 28/11 (late) → 1/2. Tasks Lan, Hoa (exempt) at 12/11, Giang at 26/11 → 2/4.
    "KL-02": {
        "regular_meeting_rate": (1, 1),
        "thematic_meeting_rate": (1, 1),
        "materials_rate": (0, 1),
        "procedure_rate": (1, 1),
        "attendance_rate": (3, 5),
        "cells_attendance_ok_rate": (0, 1),
        "task_coverage_rate": (2, 4),
        "leader_training_rate": (0, 1),
        "minutes_on_time_rate": (1, 2),
        "supervision_rate": (0, 1),
    },
    # 07/11: 5/5, every step. 21/11 (second, with its reason): `vote` missed → not every meeting full;
    # Sơn unexcused → 4/5. Cell 9/10 = 90%: ok. Tasks Minh (07/11), Nga, Quế (21/11) → 3/5.
    "KL-03": {
        "regular_meeting_rate": (1, 1),
        "thematic_meeting_rate": (0, 1),
        "materials_rate": (1, 1),
        "procedure_rate": (0, 1),
        "attendance_rate": (9, 10),
        "cells_attendance_ok_rate": (1, 1),
        "task_coverage_rate": (3, 5),
        "leader_training_rate": (0, 2),
        "minutes_on_time_rate": (2, 2),
        "supervision_rate": (0, 1),
    },
    # 15/11 cancelled (storm): no meeting held. Tâm completed the ward's course on 14/11.
    "KL-04": {
        "regular_meeting_rate": (0, 1),
        "thematic_meeting_rate": (0, 1),
        "materials_rate": (0, 1),
        "procedure_rate": (0, 1),
        "attendance_rate": (0, 0),
        "cells_attendance_ok_rate": (0, 1),
        "task_coverage_rate": (0, 3),
        "leader_training_rate": (1, 1),
        "minutes_on_time_rate": (0, 0),
        "supervision_rate": (0, 1),
    },
}

# The ward: the sums of its four cells.
OCTOBER["KL"] = {
    "regular_meeting_rate": (4, 4),
    "thematic_meeting_rate": (1, 4),
    "materials_rate": (3, 4),
    "procedure_rate": (3, 4),
    "attendance_rate": (16, 18),  # 5 + 5 + 3 + 3 / 5 + 5 + 5 + 3
    "cells_attendance_ok_rate": (3, 4),
    "task_coverage_rate": (8, 16),  # 4 + 2 + 2 + 0
    "leader_training_rate": (2, 6),
    "minutes_on_time_rate": (4, 5),  # 2 + 0 + 1 + 1 / 2 + 1 + 1 + 1
    "supervision_rate": (1, 4),
}
NOVEMBER["KL"] = {
    "regular_meeting_rate": (3, 4),
    "thematic_meeting_rate": (2, 4),
    "materials_rate": (2, 4),
    "procedure_rate": (2, 4),
    "attendance_rate": (16, 19),  # 4 + 3 + 9 / 4 + 5 + 10
    "cells_attendance_ok_rate": (2, 4),
    "task_coverage_rate": (9, 16),  # 4 + 2 + 3 + 0
    "leader_training_rate": (3, 6),
    "minutes_on_time_rate": (4, 5),  # 1 + 1 + 2 / 1 + 2 + 2
    "supervision_rate": (1, 4),
}
# Quarter Q4 = October + November + December (no meeting in December; on 31/12 the same 16 members and
# 6 leaders, 3 of them trained). The two quarterly indicators are read at December: the thematic
# meetings of KL-01 and KL-02, the supervisor's visits to KL-01.
Q4_KL = {
    "regular_meeting_rate": (7, 12),  # 4 + 3 + 0 cell-months
    "thematic_meeting_rate": (2, 4),
    "materials_rate": (5, 12),  # 3 + 2 + 0
    "procedure_rate": (5, 12),
    "attendance_rate": (32, 37),
    "cells_attendance_ok_rate": (5, 12),  # 3 + 2 + 0
    "task_coverage_rate": (17, 48),  # 8 + 9 + 0 / 16 × 3
    "leader_training_rate": (8, 18),  # 2 + 3 + 3 / 6 × 3
    "minutes_on_time_rate": (8, 10),
    "supervision_rate": (1, 4),
}

# The minutes-book columns the indicators read (docs/import-formats.md §9, DOMAIN §8) and the
# indicator each leaves "not met" when empty.
BOOK_COLUMNS = {
    "Gửi tài liệu lúc": "materials_rate",
    "Các bước đã thực hiện": "procedure_rate",
    "Các bước chưa thực hiện": "procedure_rate",
    "Ngày thông qua biên bản": "minutes_on_time_rate",
    "Cấp ủy viên dự": "supervision_rate",
}


def pairs(result) -> dict:
    return {key: (ind.numerator, ind.denominator) for key, ind in result.items()}


def check_figures(expected: dict[int, dict]) -> None:
    """Every indicator of the ward and of each cell, per month, from the fact tables the dashboards read
    (after the background job) and from the base tables (`chibo indicators`)."""
    run_facts_job()
    for number, by_org in expected.items():
        period = periods.month(2025, number)
        for code, figures in by_org.items():
            org = Organisation.objects.get(code=code)
            assert pairs(engine.from_facts(org, period)) == figures, (code, number)
            assert pairs(engine.compute(org, period)) == figures, (code, number)


def assert_notes(result, expected: list[tuple[int, str, str]]) -> None:
    """The notes are exactly `expected` (row, column, how the message starts), one per row and column."""
    found = {(n.row, n.column): n.message for n in result.notes}
    assert len(found) == len(result.notes)
    assert sorted(found) == sorted((row, column) for row, column, _ in expected)
    for row, column, start in expected:
        assert found[row, column].startswith(start), (row, column, found[row, column])


def notes_of(result) -> list[tuple[int, str, str]]:
    return [(n.row, n.column, n.message) for n in result.notes]


def test_a_complete_minutes_book_gives_every_figure_counted_by_hand(ward):
    staff = ward
    dry = import_file("meetings", user=staff, dry_run=True)
    assert not Organisation.objects.get(code="KL-01").meetings.exists()
    result = import_file("meetings", user=staff)
    assert result.counts["meetings"] == {"created": 12, "updated": 0, "unchanged": 0}
    # What the dry run announced is what the indicators will read as not met, and nothing else: the
    # late materials of KL-02 (rows 4, 10), the skipped mandatory steps of KL-03 (3, 12), the late
    # minutes (4, 13), meetings no assigned supervisor attended, and the roll calls still to come.
    roll_call = "Chưa có điểm danh của "
    no_supervisor = "Không có cấp ủy viên phụ trách dự: "
    expected = sorted(
        [(row, "Cấp ủy viên dự", no_supervisor) for row in (3, 4, 5, 7, 9, 10, 12, 13)]
        + [(row, "", roll_call) for row in (2, 3, 4, 5, 7, 8, 9, 10, 12, 13)]
        + [
            (
                3,
                "Các bước chưa thực hiện",
                "Bước bắt buộc chưa thực hiện: «Kiểm điểm việc thực hiện nhiệm vụ",
            ),
            (12, "Các bước chưa thực hiện", "Bước bắt buộc chưa thực hiện: «Biểu quyết thông qua nghị quyết"),
            (4, "Gửi tài liệu lúc", "Tài liệu gửi lúc 08:00 ngày 20/10/2025, chưa đủ 24 giờ trước giờ họp"),
            (10, "Gửi tài liệu lúc", "Tài liệu gửi lúc 20:00 ngày 11/11/2025, chưa đủ 24 giờ trước giờ họp"),
            (4, "Ngày thông qua biên bản", "Biên bản thông qua ngày 24/10/2025, sau hạn 22/10/2025"),
            (13, "Ngày thông qua biên bản", "Biên bản thông qua ngày 30/11/2025, sau hạn 28/11/2025"),
        ]
    )
    assert_notes(dry, expected)
    assert_notes(result, expected)
    # 49 lines: 22 already written by the meetings file (chairs, minute-takers, Hoa exempt), 27 marked now.
    roll = import_file("attendances", user=staff)
    assert roll.counts["attendances"] == {"created": 0, "updated": 27, "unchanged": 22}
    assert import_file("tasks", user=staff).counts["tasks"]["created"] == 20

    check_figures({10: OCTOBER, 11: NOVEMBER})
    assert pairs(engine.from_facts(Organisation.objects.get(code="KL"), periods.quarter(2025, 4))) == Q4_KL
    assert pairs(engine.compute(Organisation.objects.get(code="KL"), periods.quarter(2025, 4))) == Q4_KL


def emptied_workbook() -> tuple[bytes, list[list[str]]]:
    """meetings, attendances and tasks in one workbook, the meetings with those columns left empty."""
    book = Workbook()
    book.remove(book.active)
    meeting_rows = []
    for kind in MEETINGS:
        header, rows = read_rows(kind)
        assert header == FORMATS[kind].headers
        if kind == "meetings":
            rows = [
                [("" if name in BOOK_COLUMNS else v) for name, v in zip(header, row, strict=True)]
                for row in rows
            ]
            meeting_rows = rows
        sheet = book.create_sheet(FORMATS[kind].title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), meeting_rows


def test_the_same_book_with_the_minutes_book_columns_empty_is_not_met_as_announced(ward):
    staff = ward
    data, rows = emptied_workbook()
    header = FORMATS["meetings"].headers
    dry = import_data(data=data, filename="so-bien-ban.xlsx", kind="all", user=staff, dry_run=True)
    assert dry.ok and not dry.written, [str(e) for e in dry.errors]
    assert not Organisation.objects.get(code="KL-01").meetings.exists()

    # Every held meeting is named by its row, and every empty column with the indicator it leaves not
    # met: regular meetings T2, T3, minutes, supervision; the thematic ones (rows 5, 13) minutes and
    # supervision; the cancelled ones (rows 6, 11) nothing. The roll calls are in the same workbook.
    sheet = FORMATS["meetings"].title
    assert {n.sheet for n in dry.notes} == {sheet}
    starts = {
        "Gửi tài liệu lúc": "Không có giờ gửi tài liệu: buổi sinh hoạt thường kỳ này sẽ tính là chưa đạt T2",
        "Các bước đã thực hiện": "Không ghi các bước đã thực hiện: buổi sinh hoạt thường kỳ này sẽ tính là chưa đạt T3",
        "Ngày thông qua biên bản": "Không có ngày thông qua biên bản: buổi sinh hoạt này sẽ tính là biên bản chưa",
        "Cấp ủy viên dự": "Không có cấp ủy viên phụ trách dự: buổi này không được tính cho tỷ lệ chi bộ",
    }
    regular, thematic = (2, 3, 4, 7, 8, 9, 10, 12), (5, 13)
    expected = sorted(
        [(row, column, start) for row in regular for column, start in starts.items()]
        + [(row, column, starts[column]) for row in thematic for column in ("Ngày thông qua biên bản", "Cấp ủy viên dự")]
    )  # fmt: skip
    assert_notes(dry, expected)

    written = import_data(data=data, filename="so-bien-ban.xlsx", kind="all", user=staff)
    assert written.written, [str(e) for e in written.errors]
    assert sorted(notes_of(written)) == sorted(notes_of(dry))

    # The indicators read "not met" exactly where the notes said: no cell-month with a held meeting
    # has T2, T3, minutes on time or a supervised meeting any more; the rest is what the complete book gave.
    column_index = {name: header.index(name) for name in ("Mã chi bộ", "Ngày")}
    announced: dict[str, set] = {key: set() for key in BOOK_COLUMNS.values()}
    for note in dry.notes:
        row = rows[note.row - 2]
        day = dt.datetime.strptime(row[column_index["Ngày"]], "%d/%m/%Y").date()
        announced[BOOK_COLUMNS[note.column]].add((row[column_index["Mã chi bộ"]], day.month))
    assert (
        announced["materials_rate"]
        == announced["procedure_rate"]
        == {(code, month) for code in ("KL-01", "KL-02", "KL-03", "KL-04") for month in (10, 11)}
        - {("KL-04", 11)}
    )
    assert announced["minutes_on_time_rate"] == announced["materials_rate"]

    emptied = {}
    for number, by_org in ((10, OCTOBER), (11, NOVEMBER)):
        emptied[number] = {
            code: figures | {key: (0, figures[key][1]) for key in set(BOOK_COLUMNS.values())}
            for code, figures in by_org.items()
        }
    # Written out for the ward: T2 0/4, T3 0/4, minutes 0/5, supervision 0/4 in both months.
    assert {k: emptied[10]["KL"][k] for k in set(BOOK_COLUMNS.values())} == {
        "materials_rate": (0, 4),
        "procedure_rate": (0, 4),
        "minutes_on_time_rate": (0, 5),
        "supervision_rate": (0, 4),
    }
    check_figures(emptied)
    for key, cell_months in announced.items():
        for code, month in cell_months:
            org = Organisation.objects.get(code=code)
            assert engine.from_facts(org, periods.month(2025, month))[key].numerator == 0, (key, code, month)
