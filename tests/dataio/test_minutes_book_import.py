"""A paper minutes book typed in completely (DOMAIN §8): every column the indicators read, the
"supervision" kind they need, complete roll calls, and the dry run's notes on what will count as not
met. Each new column: read, checked (Vietnamese message naming row and column), idempotent on
re-import, exported back unchanged."""

import datetime as dt

import pytest
from django.utils import timezone

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.dataio.formats import FORMATS
from chibo.dataio.importer import Context
from chibo.dataio.meetings_import import _state
from chibo.dataio.services import export_data, import_data
from chibo.meetings.models import Meeting, MeetingKind, MeetingStatus, MinutesStatus
from chibo.meetings.services.planning import meeting_create
from chibo.members.selectors import roster_on
from chibo.reporting.facts import compute_cell_facts
from chibo.resolutions.models import Resolution
from chibo.supervision.models import Assignment, Visit
from tests.dataio.helpers import messages, run_csv
from tests.dataio.test_meeting_import import local, people, roll_call_rows  # noqa: F401
from tests.factories import make_member, make_user

pytestmark = pytest.mark.django_db


def meeting_row(**values) -> list:
    """A full-width row of the meetings format, by attribute name."""
    return [values.get(c.attr, "") for c in FORMATS["meetings"].columns]


def feb(cast, **values) -> list:
    base = {
        "cell": "BD-01",
        "kind": "thường kỳ",
        "day": "15/02/2024",
        "start": "19:30",
        "end": "21:30",
        "chair": cast.secretary.card_number,
        "minute_taker": cast.member.card_number,
        "minutes_number": "01-BB/CB",
    }
    return meeting_row(**(base | values))


@pytest.fixture
def watcher(cast):
    """A ward committee member with an account, assigned by the ward to follow BD-01 from 01/01/2024."""
    member = make_member(cast.cell2, full_name="Đặng Văn Giám", card_number="G-01")
    make_user("giam", member=member)
    result = run_csv("supervision", [["G-01", "BD", "BD-01", "01/01/2024", "", "Đảng ủy viên phụ trách"]])
    assert result.written, [str(e) for e in result.errors]
    return member


COMPLETE = {
    "materials_sent_at": "13/02/2024 20:00",
    "steps_done": "tất cả",
    "steps_missed": "party_fees; Biểu dương, khen thưởng hoặc phê bình (nếu có)",
    "minutes_approved_on": "16/02/2024",
    "resolution_number": "02-NQ/CB",
    "resolution_issued_on": "16/02/2024",
    "supervisors": "G-01",
}


def test_every_column_of_the_minutes_book_reaches_the_indicators(people, cast, watcher):  # noqa: F811
    result = run_csv("meetings", [feb(cast, **COMPLETE)])
    assert result.written, [str(e) for e in result.errors]
    roll = run_csv("attendances", roll_call_rows(cast)[:5])
    assert roll.written, [str(e) for e in roll.errors]
    meeting = Meeting.objects.get()
    assert meeting.materials_published_at == local(dt.date(2024, 2, 13), 20)
    steps = {s.rule_step.code: s.done for s in meeting.steps.select_related("rule_step")}
    assert len(steps) == 16 and not steps["party_fees"] and not steps["praise"]
    assert all(done for code, done in steps.items() if code not in ("party_fees", "praise"))
    assert meeting.minutes.status == MinutesStatus.APPROVED
    assert timezone.localtime(meeting.minutes.approved_at).date() == dt.date(2024, 2, 16)
    resolution = Resolution.objects.get()
    assert (resolution.kind, resolution.number, resolution.issued_on) == (
        "resolution",
        "02-NQ/CB",
        dt.date(2024, 2, 16),
    )
    visit = Visit.objects.get()
    assert (visit.meeting, visit.assignment.member, visit.visited_on) == (
        meeting,
        watcher,
        dt.date(2024, 2, 15),
    )
    # Nothing was missing but the roll call, which the next file brought.
    assert [n.message[:26] for n in result.notes] == ["Chưa có điểm danh của 2/5 "]
    facts = compute_cell_facts(dt.date(2024, 2, 1), [cast.cell.pk])[cast.cell.pk]
    assert (facts["materials_ok"], facts["procedure_ok"], facts["minutes_on_time"], facts["supervised"]) == (
        1,
        1,
        1,
        1,
    )


def test_the_same_file_twice_changes_nothing_and_the_export_imports_back(people, cast, watcher):  # noqa: F811
    rows = [feb(cast, **COMPLETE), meeting_row(cell="BD-01", kind="thường kỳ", day="25/02/2024", start="19:30",
            status="Đã hủy", cancel_reason="Mưa bão")]  # fmt: skip
    assert run_csv("meetings", rows).written
    assert run_csv("attendances", roll_call_rows(cast)[:5]).written
    audit = AuditEntry.objects.count()
    again = run_csv("meetings", rows)
    assert again.written and again.counts["meetings"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert AuditEntry.objects.count() == audit + 1  # the import's own entry only
    content, _ = export_data(kind="meetings", filename="m.csv", org=cast.ward)
    back = import_data(data=content, filename="m.csv", kind="meetings")
    assert back.written and back.counts["meetings"] == {"created": 0, "updated": 0, "unchanged": 2}, [
        str(e) for e in back.errors
    ]
    text = content.decode("utf-8-sig")
    assert "13/02/2024 20:00" in text and "tất cả" in text and "Mưa bão" in text and "G-01" in text
    content, _ = export_data(kind="supervision", filename="s.csv", org=cast.ward)
    back = import_data(data=content, filename="s.csv", kind="supervision")
    assert back.counts["supervision"] == {"created": 0, "updated": 0, "unchanged": 1}


def test_a_corrected_paper_row_updates_steps_minutes_and_materials(people, cast, watcher):  # noqa: F811
    assert run_csv("meetings", [feb(cast, **COMPLETE)]).written
    fixed = COMPLETE | {
        "materials_sent_at": "15/02/2024 08:00",
        "steps_missed": "discussion",
        "minutes_approved_on": "20/02/2024",
    }
    result = run_csv("meetings", [feb(cast, **fixed)])
    assert result.written and result.counts["meetings"] == {"created": 0, "updated": 1, "unchanged": 0}
    meeting = Meeting.objects.get()
    assert [s.rule_step.code for s in meeting.steps.filter(done=False)] == ["discussion"]
    assert timezone.localtime(meeting.minutes.approved_at).date() == dt.date(2024, 2, 20)
    got = {(n.column, n.message.split(":")[0]) for n in result.notes if n.row == 2}
    assert got == {
        ("Gửi tài liệu lúc", "Tài liệu gửi lúc 08"),
        ("Các bước chưa thực hiện", "Bước bắt buộc chưa thực hiện"),
        ("Ngày thông qua biên bản", "Biên bản thông qua ngày 20/02/2024, sau hạn 17/02/2024"),
    }


def test_steps_named_by_titles_that_hold_a_semicolon(people, cast):  # noqa: F811
    """";" separates the steps, yet two shipped titles hold one (docs/rule-sets.md): named in full, as the
    rule set writes them, they are one step each, not two unknown halves."""
    done = (
        "Nêu mục đích, yêu cầu buổi sinh hoạt; giới thiệu đại biểu, khách mời; roll_call;"
        "đánh giá kết quả thực hiện nhiệm vụ tháng;xác định nhiệm vụ tháng tới"
    )
    result = run_csv("meetings", [feb(cast, steps_done=done)])
    assert result.written, [str(e) for e in result.errors]
    steps = Meeting.objects.get().steps.select_related("rule_step")
    assert sorted(s.rule_step.code for s in steps if s.done) == ["purpose", "report", "roll_call"]
    bad = run_csv("meetings", [feb(cast, day="16/02/2024", steps_done="Nêu mục đích, yêu cầu buổi sinh hoạt; vote")])
    [(row, column, message)] = messages(bad)
    assert (row, column) == (2, "Các bước đã thực hiện")
    assert message.startswith("Không có bước «Nêu mục đích, yêu cầu buổi sinh hoạt» trong bộ quy định")


def test_bad_values_of_the_new_columns_are_named_by_row_and_column(people, cast, watcher):  # noqa: F811
    rows = [
        feb(cast, steps_missed="đảng phí"),
        feb(cast, day="16/02/2024", steps_done="roll_call", steps_missed="roll_call"),
        feb(cast, day="17/02/2024", materials_sent_at="17/02/2024"),
        feb(cast, day="18/02/2024", materials_sent_at="18/02/2024 22:00"),
        feb(cast, day="19/02/2024", minutes_approved_on="18/02/2024"),
        feb(cast, day="20/02/2024", supervisors="NOBODY"),
        feb(cast, day="21/02/2024", status="Đã hủy"),
        feb(cast, day="22/02/2024", status="Đã hủy", cancel_reason="Mưa bão"),
        feb(cast, day="23/02/2024", cancel_reason="Mưa bão"),
        feb(cast, day="24/02/2024", resolution_number="01-NQ"),
        feb(cast, day="26/02/2024", resolution_number="01-NQ"),
    ]
    result = run_csv("meetings", rows)
    assert not result.written and not Meeting.objects.exists()
    got = {(r, c): m for r, c, m in messages(result)}
    assert got[2, "Các bước chưa thực hiện"].startswith(
        "Không có bước «đảng phí» trong bộ quy định của buổi sinh hoạt này (sinh hoạt thường kỳ); các bước: "
        "purpose, minute_taker, roll_call, party_fees,"
    )
    assert got[3, "Các bước chưa thực hiện"].startswith("Bước «Điểm danh")
    assert got[4, "Gửi tài liệu lúc"].startswith("Thời điểm không hợp lệ «17/02/2024»: hãy ghi ngày và giờ")
    assert got[5, "Gửi tài liệu lúc"].startswith(
        "Tài liệu gửi lúc 22:00 ngày 18/02/2024, sau khi buổi sinh hoạt kết thúc"
    )
    assert got[6, "Ngày thông qua biên bản"] == "Không được trước ngày họp 19/02/2024."
    assert got[7, "Cấp ủy viên dự"].startswith(
        "Không có cấp ủy viên nào có số thẻ «NOBODY» được phân công theo dõi"
    )
    assert got[8, "Lý do hủy"] == "Buổi sinh hoạt đã hủy: hãy ghi lý do hủy."
    assert got[9, "Chủ trì"] == "Buổi sinh hoạt đã hủy không có «Chủ trì»: hãy để trống ô này."
    assert got[10, "Lý do hủy"] == "Chỉ ghi lý do hủy cho buổi sinh hoạt có trạng thái «Đã hủy»."
    assert got[12, "Số nghị quyết/kết luận"] == (
        "Số «01-NQ» đã dùng cho một nghị quyết, kết luận khác của Chi bộ Tổ dân phố số 1 năm 2024."
    )


def test_a_supervisor_outside_the_committee_is_refused_without_revealing_who(people, cast, watcher):  # noqa: F811
    stranger = make_member(cast.other_cell, full_name="Hồ Thị Lạ", card_number="S-HK")
    make_user("la", member=stranger)
    # Not assigned to BD-01: the meeting row says only that no assignment covers the cell.
    result = run_csv("meetings", [feb(cast, supervisors="S-HK")])
    (message,) = [m for _, c, m in messages(result) if c == "Cấp ủy viên dự"]
    assert "Hồ Thị Lạ" not in message and message == (
        "Không có cấp ủy viên nào có số thẻ «S-HK» được phân công theo dõi Chi bộ Tổ dân phố số 1 vào ngày "
        "15/02/2024: hãy nhập phân công theo dõi (loại «supervision») trước."
    )
    # Nor may the ward assign her: the same words as for a card that does not exist.
    rows = [["S-HK", "BD", "BD-01", "01/01/2024", "", ""], ["NONE", "BD", "BD-01", "01/01/2024", "", ""]]
    got = messages(run_csv("supervision", rows, user=cast.staff))
    assert got == [
        (2, "Số thẻ đảng viên", "Không tìm thấy cấp ủy viên có số thẻ «S-HK» thuộc Đảng bộ phường Ba Đình vào ngày 01/01/2024."),
        (3, "Số thẻ đảng viên", "Không tìm thấy cấp ủy viên có số thẻ «NONE» thuộc Đảng bộ phường Ba Đình vào ngày 01/01/2024."),
    ]  # fmt: skip


def test_supervision_assignments_are_checked_like_the_page(people, cast, watcher):  # noqa: F811
    no_account = make_member(cast.cell2, full_name="Mai Văn Chưa", card_number="G-02")
    rows = [
        ["G-01", "BD", "BD-01", "01/06/2024", "", ""],  # overlaps the stored term (open-ended)
        ["G-02", "BD", "BD-02", "01/01/2024", "", ""],
        ["G-01", "BD-01", "BD-01", "01/01/2024", "", ""],
        ["G-01", "BD", "HK-09", "01/01/2024", "", ""],
        ["G-01", "BD", "BD-02", "01/01/2024", "01/01/2023", ""],
    ]
    got = messages(run_csv("supervision", rows))
    assert got == [
        (2, "Từ ngày", "Đồng chí này đã được phân công theo dõi Chi bộ Tổ dân phố số 1 từ 01/01/2024 (chưa kết thúc)."),
        (3, "Số thẻ đảng viên", f"Đảng viên {no_account.full_name} (số thẻ G-02) chưa có tài khoản Chibo: hãy cấp tài khoản trước khi phân công theo dõi."),
        (4, "Mã cấp ủy phân công", "Chi bộ không phân công theo dõi được."),
        (5, "Mã đơn vị theo dõi", "Không tìm thấy đơn vị có mã «HK-09» trực thuộc Đảng bộ phường Ba Đình."),
        (6, "Đến ngày", "phải sau ngày bắt đầu 01/01/2024."),
    ]  # fmt: skip
    # Only the committee's staff assign: a cell leader and the sibling ward's staff are refused.
    row = [["G-01", "BD", "BD-02", "01/01/2024", "", ""]]
    for user in (cast.leader_user, cast.outsider):
        assert [c for _, c, _ in messages(run_csv("supervision", row, user=user))] == ["Mã cấp ủy phân công"]
    result = run_csv("supervision", row, user=cast.staff)
    assert result.written and Assignment.objects.count() == 2
    # Ending the first term is an update of its row.
    result = run_csv("supervision", [["G-01", "BD", "BD-01", "01/01/2024", "01/01/2025", "hết nhiệm kỳ"]])
    assert result.counts["supervision"] == {"created": 0, "updated": 1, "unchanged": 0}


def test_a_workbook_assigns_the_supervisor_and_records_the_visit(people, cast):  # noqa: F811
    from tests.dataio.helpers import xlsx_bytes

    member = make_member(cast.cell2, full_name="Đặng Văn Giám", card_number="G-01")
    make_user("giam", member=member)
    data = xlsx_bytes(
        {
            "meetings": [feb(cast, supervisors="G-01")],
            "supervision": [["G-01", "BD", "BD-01", "01/01/2024", "", ""]],
            "attendances": roll_call_rows(cast)[:5],
        }
    )
    result = import_data(data=data, filename="so.xlsx", kind="all")
    assert result.written, [str(e) for e in result.errors]
    assert Visit.objects.get().assignment == Assignment.objects.get()


def test_cancelled_meetings_count_nowhere_and_a_planned_one_is_cancelled(people, cast):  # noqa: F811
    planned = meeting_create(
        cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=local(dt.date(2024, 3, 10), 19, 30), by=SYSTEM
    )
    rows = [meeting_row(cell="BD-01", kind="thường kỳ", day="10/03/2024", start="19:30", status="đã hủy",
                        cancel_reason="Trùng lịch bầu cử")]  # fmt: skip
    result = run_csv("meetings", rows)
    assert result.counts["meetings"] == {"created": 0, "updated": 1, "unchanged": 0}
    planned.refresh_from_db()
    assert (planned.status, planned.cancel_reason) == (MeetingStatus.CANCELLED, "Trùng lịch bầu cử")
    assert not planned.attendances.exists()
    assert run_csv("meetings", rows).counts["meetings"] == {"created": 0, "updated": 0, "unchanged": 1}
    # A roll call for it finds no meeting.
    roll = run_csv(
        "attendances", [["BD-01", "thường kỳ", "10/03/2024", "", cast.member.card_number, "có mặt"]]
    )
    assert [c for _, c, _ in messages(roll)] == ["Ngày"]
    assert compute_cell_facts(dt.date(2024, 3, 1), [cast.cell.pk])[cast.cell.pk]["regular_ok"] == 0


def test_the_dry_run_says_which_indicators_an_empty_column_leaves_not_met(people, cast):  # noqa: F811
    rows = [
        feb(cast),
        meeting_row(cell="BD-01", kind="thường kỳ", day="25/02/2024", start="19:30", end="21:30",
                    materials_sent_at="25/02/2024 08:00", steps_done="tất cả", minutes_approved_on="26/02/2024"),
    ]  # fmt: skip
    dry = run_csv("meetings", rows, dry_run=True)
    assert dry.ok and not Meeting.objects.exists()
    notes = {(n.row, n.column): n.message for n in dry.notes}
    assert notes[2, "Gửi tài liệu lúc"] == (
        "Không có giờ gửi tài liệu: buổi sinh hoạt thường kỳ này sẽ tính là chưa đạt T2 (tài liệu đến đảng viên "
        "trước ít nhất 24 giờ)."
    )
    assert notes[2, "Các bước đã thực hiện"].endswith("sẽ tính là chưa đạt T3 (đúng quy trình).")
    assert notes[2, "Ngày thông qua biên bản"].startswith("Không có ngày thông qua biên bản")
    assert notes[2, ""].startswith(
        "Chưa có điểm danh của 2/5 đảng viên"
    )  # chair, minute-taker, exempt marked
    assert notes[3, "Gửi tài liệu lúc"].startswith("Tài liệu gửi lúc 08:00 ngày 25/02/2024, chưa đủ 24 giờ")
    assert notes[3, "Lý do họp thêm"] == (
        "Chi bộ Tổ dân phố số 1 đã có buổi sinh hoạt thường kỳ ngày 15/02/2024 trong tháng 02/2024: hãy ghi lý do "
        "họp thêm."
    )
    assert (3, "Các bước đã thực hiện") not in notes and (3, "Ngày thông qua biên bản") not in notes
    # With the roll call in the same import, that note goes.
    from tests.dataio.helpers import xlsx_bytes

    data = xlsx_bytes({"meetings": rows[:1], "attendances": roll_call_rows(cast)[:5]})
    dry = import_data(data=data, filename="so.xlsx", kind="all", dry_run=True)
    assert dry.ok and not [n for n in dry.notes if n.column == ""]


def test_a_roll_call_of_absentees_only_is_refused_with_the_missing_names(people, cast):  # noqa: F811
    assert run_csv("meetings", [feb(cast)]).written
    result = run_csv(
        "attendances", [["BD-01", "thường kỳ", "15/02/2024", "", "C-NEW", "vắng có lý do", "Ốm", "", "", ""]]
    )
    assert not result.written
    ((row, column, message),) = messages(result)
    assert (row, column) == (2, "Số thẻ đảng viên")
    # The exempt member, the chair and the minute-taker were marked by the meetings sheet; the guest not.
    assert (
        "1 đảng viên trong danh sách sinh hoạt ngày đó chưa có dòng nào: Đỗ Thị Khách (số thẻ C-GUEST)."
        in message
    )
    meeting = Meeting.objects.get()
    assert not meeting.attendances.filter(status="excused").exists()


def test_the_imports_roster_is_the_roster_of_roster_on(people, cast):  # noqa: F811
    """Twin of members.selectors.roster_on: the import builds rosters in memory (memberships planned in the
    same workbook count), by the same rule."""
    state = _state(Context(None))
    for cell in (cast.cell, cast.cell2):
        state.load_rosters({cell.code})
        for day in (dt.date(2024, 1, 10), dt.date(2024, 2, 15), dt.date(2024, 3, 1), dt.date(2024, 7, 20)):
            mine = state.roster(cell, day)
            theirs = {m.card_number: (m.is_exempt, m.is_temporary) for m in roster_on(cell, day)}
            assert {c: (f.is_exempt, f.is_temporary) for c, f in mine.items()} == theirs, (cell.code, day)


def test_the_page_shows_the_notes_before_writing(people, cast, client):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.dataio.helpers import csv_bytes

    client.force_login(cast.leader_user)
    data = csv_bytes("meetings", [feb(cast)])
    page = client.post(
        reverse("dataio:index"), {"kind": "meetings", "file": SimpleUploadedFile("bb.csv", data)}, follow=True
    ).content.decode()
    assert "lưu ý: các chỉ tiêu sẽ tính là chưa đạt" in page and "chưa đạt T2" in page
    assert "Ghi dữ liệu" in page and not Meeting.objects.exists()
