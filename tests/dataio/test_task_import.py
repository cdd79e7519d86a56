"""Importing tasks given at past meetings (issue 4, kind "tasks"): CSV and XLSX, dry run, every bad row
reported with nothing written, scope, re-import unchanged, export round trip, the documented example."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from chibo.audit.models import AuditEntry
from chibo.dataio.formats import FORMATS
from chibo.dataio.services import export_data, import_data
from chibo.meetings.models import MeetingKind
from chibo.resolutions import services
from chibo.resolutions.models import Task, TaskStatus
from tests.dataio.helpers import csv_bytes, messages, run_csv, xlsx_bytes
from tests.factories import make_member
from tests.resolutions.conftest import held, hold_meeting, local, next_meeting, task_rules  # noqa: F401

pytestmark = pytest.mark.django_db

FUND = "Vận động các hộ đóng góp Quỹ vì người nghèo"
MEDIATION = "Theo dõi tổ hòa giải và báo cáo chi bộ"  # no comma: the CSV helper does not quote


@pytest.fixture
def april(cast, task_rules, held):  # noqa: F811
    """The cell's regular meeting of 09/04/2025, held: where March's tasks were evaluated."""
    return hold_meeting(cast, task_rules, local(2025, 4, 9, 19, 30))


def rows(cast) -> list[list]:
    sec, an = cast.secretary.card_number, cast.member.card_number
    return [
        ["BD-01", "05/03/2025", "Thường kỳ", sec, FUND, "31/03/2025", "Hoàn thành", "", "Vượt chỉ tiêu", "09/04/2025"],
        ["BD-01", "05/03/2025", "", an, FUND, "31/03/2025", "khong hoan thanh", "40", "Mới vận động 4/10 hộ", ""],
        ["BD-01", "5/3/2025", "thuong ky", an, MEDIATION, "30/04/2025", "Đang thực hiện", "60%", "", ""],
    ]  # fmt: skip


def by_key(cast) -> dict[tuple, Task]:
    return {(t.member.card_number, t.text): t for t in Task.objects.select_related("member")}


def assert_imported(cast, held, april) -> None:  # noqa: F811
    sec, an = cast.secretary.card_number, cast.member.card_number
    tasks = by_key(cast)
    assert len(tasks) == 3
    done, failed, running = tasks[sec, FUND], tasks[an, FUND], tasks[an, MEDIATION]
    assert {t.meeting_id for t in tasks.values()} == {held.pk}
    assert {t.cell_id for t in tasks.values()} == {cast.cell.pk}
    assert (done.status, done.progress, done.due_on, done.evaluation) == (
        TaskStatus.DONE, 100, dt.date(2025, 3, 31), "Vượt chỉ tiêu",
    )  # fmt: skip
    # Evaluated on the day of April's meeting: that meeting is the one that evaluated it.
    assert timezone.localdate(done.evaluated_at) == dt.date(2025, 4, 9) and done.evaluated_in_id == april.pk
    # No evaluation date: the deadline; no meeting of the cell that day.
    assert (failed.status, failed.progress, timezone.localdate(failed.evaluated_at), failed.evaluated_in) == (
        TaskStatus.NOT_DONE, 40, dt.date(2025, 3, 31), None,
    )  # fmt: skip
    assert (running.status, running.progress, running.evaluated_at, running.is_open) == (
        TaskStatus.IN_PROGRESS, 60, None, True,
    )  # fmt: skip


def test_a_clean_csv_creates_the_tasks_with_their_status_and_evaluation(cast, held, april):  # noqa: F811
    audit = AuditEntry.objects.count()
    result = run_csv("tasks", rows(cast), user=cast.leader_user)
    assert result.written, [str(e) for e in result.errors]
    assert result.counts["tasks"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert_imported(cast, held, april)
    assert Task.objects.filter(created_by=cast.leader_user).count() == 3
    # One entry per row, and one for the import.
    assert AuditEntry.objects.count() == audit + 4
    assert AuditEntry.objects.filter(model="resolutions.task", action="create").count() == 3


def test_the_same_rows_in_an_xlsx_with_excel_dates_and_numbers(cast, held, april):  # noqa: F811
    typed = []
    for row in rows(cast):
        row = list(row)
        for i in (1, 5, 9):
            if row[i]:
                day, month, year = map(int, row[i].split("/"))
                row[i] = dt.date(year, month, day)
        row[7] = int(row[7].rstrip("%")) if row[7] else None
        typed.append(row)
    result = import_data(data=xlsx_bytes({"tasks": typed}), filename="nhiem-vu.xlsx", kind="tasks")
    assert result.written, [str(e) for e in result.errors]
    assert_imported(cast, held, april)


def test_one_workbook_with_the_meeting_and_its_tasks(cast):
    meetings = [["BD-02", "thường kỳ", "05/03/2024", "19:30", "21:30", "", "", "", "", ""]]
    worker = make_member(
        cast.cell2, full_name="Đinh Văn Làm", card_number="W-1", joined_on=dt.date(2020, 1, 1)
    )
    tasks = [["BD-02", "05/03/2024", "", "W-1", FUND, "31/03/2024", "Đã giao", "", "", ""]]
    data = xlsx_bytes({"tasks": tasks, "meetings": meetings})  # sheets are read in dependency order
    result = import_data(data=data, filename="tat-ca.xlsx", kind="all")
    assert result.written, [str(e) for e in result.errors]
    task = Task.objects.get()
    assert (task.member, task.meeting.cell, task.status) == (worker, cast.cell2, TaskStatus.ASSIGNED)


def test_dry_run_writes_nothing_and_re_import_changes_nothing(cast, held, april):  # noqa: F811
    dry = run_csv("tasks", rows(cast), dry_run=True)
    assert dry.ok and not dry.written and dry.counts["tasks"]["created"] == 3
    assert not Task.objects.exists()

    run_csv("tasks", rows(cast))
    audit = AuditEntry.objects.count()
    again = run_csv("tasks", rows(cast))
    assert again.counts["tasks"] == {"created": 0, "updated": 0, "unchanged": 3}
    assert AuditEntry.objects.count() == audit + 1 and Task.objects.count() == 3

    # A corrected row updates the task in place: identified by meeting, member and text.
    fixed = rows(cast)
    fixed[2][6:8] = ["Hoàn thành", ""]
    result = run_csv("tasks", fixed)
    assert result.counts["tasks"] == {"created": 0, "updated": 1, "unchanged": 2}
    running = by_key(cast)[cast.member.card_number, MEDIATION]
    # Evaluated, without a date: on the deadline.
    assert (running.status, running.progress, timezone.localdate(running.evaluated_at)) == (
        TaskStatus.DONE, 100, dt.date(2025, 4, 30),
    )  # fmt: skip
    assert Task.objects.count() == 3

    # What Chibo exports imports back unchanged.
    content, count = export_data(kind="tasks", filename="tasks.csv", org=cast.ward)
    assert count == 3
    back = import_data(data=content, filename="tasks.csv", kind="tasks")
    assert back.written and back.counts["tasks"] == {"created": 0, "updated": 0, "unchanged": 3}, [
        str(e) for e in back.errors
    ]


def test_tasks_given_and_evaluated_in_chibo_export_and_import_back_unchanged(cast, held, april):  # noqa: F811
    given = services.task_assign(
        meeting=held, members=[cast.secretary, cast.member], text=FUND, due_on=dt.date(2025, 3, 31),
        by=cast.leader_user,
    )  # fmt: skip
    services.task_report(task=given[1], by=cast.member_user, text="Đã vận động 5 hộ", progress=50)
    services.task_evaluate(task=given[0], meeting=april, outcome=TaskStatus.DONE, by=cast.leader_user)
    services.task_evaluate(
        task=given[1], meeting=april, outcome=TaskStatus.CARRIED_OVER, new_due_on=dt.date(2025, 4, 30),
        by=cast.leader_user,
    )  # fmt: skip
    content, count = export_data(kind="tasks", filename="tasks.xlsx", org=cast.cell)
    assert count == 3  # the two tasks and the follow-up given at April's meeting
    back = import_data(data=content, filename="tasks.xlsx", kind="tasks", dry_run=True)
    assert back.ok and back.counts["tasks"] == {"created": 0, "updated": 0, "unchanged": 3}, [
        str(e) for e in back.errors
    ]
    # A carried-over task already has its follow-up: its status does not change by import.
    row = ["BD-01", "05/03/2025", "", cast.member.card_number, FUND, "31/03/2025", "Hoàn thành", "", "", ""]
    result = run_csv("tasks", [row])
    assert messages(result) == [
        (2, "Trạng thái", "Nhiệm vụ đã được chuyển kỳ sau trong Chibo (đã có nhiệm vụ tiếp nối): không đổi "
         "trạng thái bằng dữ liệu nhập.")
    ]  # fmt: skip


def test_every_bad_row_is_reported_and_nothing_is_written(cast, held, april):  # noqa: F811
    sec, an = cast.secretary.card_number, cast.member.card_number
    make_member(cast.cell2, full_name="Phạm Văn Khác", card_number="C-OTHER")
    audit = AuditEntry.objects.count()
    result = run_csv(
        "tasks",
        [
            ["BD-01", "05/03/2025", "", sec, FUND, "31/03/2025", "Đã giao", "", "", ""],
            ["XX-99", "05/03/2025", "", sec, FUND, "31/03/2025", "Đã giao", "", "", ""],
            ["BD-01", "06/03/2025", "", sec, FUND, "31/03/2025", "Đã giao", "", "", ""],
            ["BD-01", "05/03/2025", "", "NOBODY", FUND, "31/03/2025", "Đã giao", "", "", ""],
            ["BD-01", "05/03/2025", "", "C-OTHER", FUND, "31/03/2025", "Đã giao", "", "", ""],
            ["BD-01", "05/03/2025", "", an, FUND, "01/03/2025", "Đã giao", "", "", ""],
            ["BD-01", "05/03/2025", "", an, "Việc 7", "31/03/2025", "xong rồi", "", "", ""],
            ["BD-01", "05/03/2025", "", an, "Việc 8", "31/03/2025", "Đang thực hiện", "150", "", ""],
            ["BD-01", "05/03/2025", "", an, "Việc 9", "31/03/2025", "Đang thực hiện", "nửa", "", ""],
            ["BD-01", "05/03/2025", "", an, "  ", "31/03/2025", "Đã giao", "", "", ""],
            ["BD-01", "05/03/2025", "thường kỳ", sec, FUND, "31/03/2025", "Đã giao", "", "", ""],
            ["BD-01", "05/03/2025", "", an, "Việc 12", "31/03/2025", "Đã giao", "", "Tốt", ""],
            ["BD-01", "05/03/2025", "", an, "Việc 13", "31/03/2025", "Hoàn thành", "", "", "01/03/2025"],
            ["BD-01", "05/03/2025", "chuyên đề", an, "Việc 14", "31/03/2025", "Đã giao", "", "", ""],
            ["BD-01", "05/03/2025", "", an, "Việc 15", "31/03/2025", "Hoàn thành", "80", "", ""],
            ["BD", "05/03/2025", "", an, "Việc 16", "31/03/2025", "Đã giao", "", "", ""],
        ],
    )  # fmt: skip
    assert not result.written
    got = messages(result)
    assert (
        3, "Mã chi bộ",
        "Không tìm thấy chi bộ có mã «XX-99» (trong cơ sở dữ liệu hoặc ở các dòng, các trang trước).",
    ) in got  # fmt: skip
    assert (
        4, "Ngày sinh hoạt",
        "Không có buổi sinh hoạt đã họp của Chi bộ Tổ dân phố số 1 ngày 06/03/2025 (trong cơ sở dữ liệu hoặc ở "
        "trang «Buổi sinh hoạt» trước đó): hãy nhập buổi sinh hoạt đó trước.",
    ) in got  # fmt: skip
    assert (
        5, "Số thẻ đảng viên",
        "Không tìm thấy đảng viên có số thẻ «NOBODY» (trong cơ sở dữ liệu hoặc ở các dòng, các trang trước).",
    ) in got  # fmt: skip
    assert (
        6, "Số thẻ đảng viên",
        "Đảng viên Phạm Văn Khác (số thẻ C-OTHER) không có tên trong danh sách sinh hoạt của Chi bộ Tổ dân phố "
        "số 1 tại buổi sinh hoạt ngày 05/03/2025.",
    ) in got  # fmt: skip
    assert (7, "Hạn hoàn thành", "không được trước ngày sinh hoạt 05/03/2025.") in got
    assert any(
        r == 8 and c == "Trạng thái" and "«xong rồi» không hợp lệ" in m and "«Hoàn thành»" in m
        for r, c, m in got
    )
    assert (9, "Tiến độ (%)", "phải là số nguyên từ 0 đến 100 (%).") in got
    assert (10, "Tiến độ (%)", "Giá trị «nửa» không phải là số nguyên.") in got
    assert (11, "Nội dung nhiệm vụ", "Thiếu giá trị bắt buộc.") in got
    assert (
        12, "Nội dung nhiệm vụ",
        "Trùng với dòng 2 (cùng buổi sinh hoạt, cùng đảng viên, cùng nội dung nhiệm vụ).",
    ) in got  # fmt: skip
    assert (
        13, "Đánh giá của chi bộ",
        "Chỉ ghi đánh giá và ngày đánh giá cho nhiệm vụ Hoàn thành, Không hoàn thành hoặc Chuyển kỳ sau.",
    ) in got  # fmt: skip
    assert (14, "Ngày đánh giá", "Không được trước ngày sinh hoạt 05/03/2025.") in got
    assert any(
        r == 15 and c == "Ngày sinh hoạt" and "Không có buổi sinh hoạt chuyên đề" in m for r, c, m in got
    )
    assert (16, "Tiến độ (%)", "Nhiệm vụ hoàn thành có tiến độ 100% (hoặc để trống).") in got
    assert (17, "Mã chi bộ", "Đảng bộ phường Ba Đình không phải là chi bộ.") in got
    assert len(got) == 15
    assert not Task.objects.exists() and AuditEntry.objects.count() == audit


def test_a_cell_outside_the_users_scope_is_refused_row_by_row(cast, held, april):  # noqa: F811
    for user in (cast.sibling_leader, cast.outsider):
        result = run_csv("tasks", rows(cast), user=user)
        assert {(r, c) for r, c, _ in messages(result)} == {
            (2, "Mã chi bộ"),
            (3, "Mã chi bộ"),
            (4, "Mã chi bộ"),
        }
        assert (
            "Bạn không có quyền nhập dữ liệu cho «Chi bộ Tổ dân phố số 1» (mã BD-01)."
            == messages(result)[0][2]
        )
    assert not Task.objects.exists()
    # The ward's staff may, as the cell's leader may (test above).
    assert run_csv("tasks", rows(cast), user=cast.staff).written


def test_two_meetings_that_day_are_told_apart_by_their_type(cast, task_rules, held):  # noqa: F811
    thematic = hold_meeting(cast, task_rules, local(2025, 3, 5, 8, 0), kind=MeetingKind.THEMATIC)
    an = cast.member.card_number
    result = run_csv(
        "tasks",
        [
            ["BD-01", "05/03/2025", "", an, FUND, "31/03/2025", "Đã giao", "", "", ""],
            ["BD-01", "05/03/2025", "chuyên đề", an, MEDIATION, "31/03/2025", "Đã giao", "", "", ""],
        ],
    )
    assert result.written, [str(e) for e in result.errors]
    tasks = by_key(cast)
    assert tasks[an, FUND].meeting == held and tasks[an, MEDIATION].meeting == thematic

    # Two of the same type that day: no way to tell which, so the row is refused.
    hold_meeting(cast, task_rules, local(2025, 3, 5, 14, 0), kind=MeetingKind.THEMATIC)
    result = run_csv(
        "tasks", [["BD-01", "05/03/2025", "chuyên đề", an, "Việc khác", "31/03/2025", "Đã giao", "", "", ""]]
    )
    assert messages(result) == [
        (
            2, "Ngày sinh hoạt",
            "Chi bộ Tổ dân phố số 1 có 2 buổi sinh hoạt chuyên đề đã họp ngày 05/03/2025: không xác định được buổi "
            "giao nhiệm vụ; hãy giao nhiệm vụ này ngay trên trang của buổi sinh hoạt.",
        )
    ]  # fmt: skip


def test_queries_do_not_grow_with_the_rows(cast, held, april):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(some) -> int:
        Task.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            result = run_csv("tasks", some)
        assert result.written, [str(e) for e in result.errors]
        return len(captured)

    more = rows(cast) + [
        [
            "BD-01",
            "05/03/2025",
            "",
            cast.secretary.card_number,
            f"Việc số {i}",
            "30/04/2025",
            "Đã giao",
            "",
            "",
            "",
        ]
        for i in range(20)
    ]
    assert queries(more) == queries(rows(cast)[:1])


def test_the_command_line_imports_tasks(cast, held, april, tmp_path):  # noqa: F811
    from django.core.management import CommandError, call_command

    path = tmp_path / "nv.csv"
    path.write_bytes(csv_bytes("tasks", rows(cast)))
    call_command("import_data", "tasks", str(path), "--dry-run")
    assert not Task.objects.exists()
    with pytest.raises(CommandError, match="3 lỗi"):
        call_command("import_data", "tasks", str(path), "--user", "bithu_hk")
    call_command("import_data", "tasks", str(path), "--user", "bithu")
    assert_imported(cast, held, april)


def test_the_documented_example_imports_as_documented():
    from chibo.orgs.models import OrgKind
    from tests.dataio.test_docs_examples import give_account
    from tests.factories import make_org

    make_org("Thành ủy Hà Nội", kind=OrgKind.CITY, code="HN")
    doc = Path(__file__).resolve().parents[2] / "docs" / "import-formats.md"
    for text in re.findall(r"```csv\n(.*?)```", doc.read_text(encoding="utf-8"), flags=re.S):
        header = text.splitlines()[0].replace(";", ",").split(",")
        kind = next(k for k, f in FORMATS.items() if f.headers == header)
        if kind == "supervision":
            give_account("01000001")
        result = import_data(data=text.encode(), filename=f"{kind}.csv", kind=kind)
        assert result.written, [str(e) for e in result.errors]
    tasks = {t.member.card_number: t for t in Task.objects.select_related("member", "meeting__cell")}
    done, running = tasks["01000002"], tasks["01000001"]
    assert (done.meeting.cell.code, done.status, done.progress) == ("KL-01", TaskStatus.DONE, 100)
    assert timezone.localdate(done.evaluated_at) == dt.date(2024, 4, 10)
    assert (running.meeting.cell.code, running.status, running.progress) == (
        "KL-02",
        TaskStatus.IN_PROGRESS,
        60,
    )


def test_the_import_marks_the_months_of_the_origin_meetings_changed(cast, held, april):  # noqa: F811
    from chibo.common.signals import cell_month_changed

    sent = []

    def listener(sender, **kw):
        sent.append((kw["cell_ids"], kw["first_day"], kw["last_day"]))

    cell_month_changed.connect(listener)
    try:
        run_csv("tasks", rows(cast), dry_run=True)
        assert sent == []
        run_csv("tasks", rows(cast))
    finally:
        cell_month_changed.disconnect(listener)
    assert sent == [({cast.cell.pk}, dt.date(2025, 3, 5), dt.date(2025, 3, 5))]
