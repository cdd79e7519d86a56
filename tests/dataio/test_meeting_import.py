"""Importing past meetings and their roll calls (issue 3 §8): CSV and XLSX, the roster frozen on the
meeting's date across a transfer, an exemption and temporary memberships, every bad row reported with
nothing written, dry run, re-import unchanged, one workbook with members, and the web page."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.dataio.formats import FORMATS
from chibo.dataio.models import ImportJob, JobStatus
from chibo.dataio.services import export_data, import_data
from chibo.meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
)
from chibo.meetings.services.minutes import minutes_approve, minutes_build
from chibo.meetings.services.planning import meeting_create
from chibo.meetings.services.running import meeting_open
from chibo.members.models import Member
from chibo.members.services import exemption_create, member_transfer, membership_open
from chibo.orgs.models import RoleKind
from tests.dataio.helpers import csv_bytes, messages, run_csv, xlsx_bytes
from tests.factories import make_member, make_user

pytestmark = pytest.mark.django_db

D2020 = dt.date(2020, 1, 1)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def people(cast):
    """Our cell BD-01 in 2024: the secretary and An (from the cast), plus
    moved  – official in BD-02, transferred to BD-01 on 01/03/2024;
    elder  – official in BD-01, exempt from 01/01/2024;
    guest  – official in HK-09, on temporary activity in BD-01 01/02–01/08/2024;
    away   – official in BD-01, on temporary activity in BD-02 15/01–15/07/2024;
    novice – probationary (not yet official) member of BD-01."""
    moved = make_member(cast.cell2, full_name="Phạm Văn Chuyển", card_number="C-MOVED", joined_on=D2020)
    member_transfer(member=moved, to_cell=cast.cell, on=dt.date(2024, 3, 1), by=SYSTEM)
    elder = make_member(cast.cell, full_name="Ngô Văn Cao", card_number="C-ELDER", joined_on=D2020)
    exemption_create(member=elder, valid_from=dt.date(2024, 1, 1), reason="Tuổi cao, sức yếu", by=SYSTEM)
    guest = make_member(cast.other_cell, full_name="Đỗ Thị Khách", card_number="C-GUEST", joined_on=D2020)
    membership_open(
        member=guest,
        cell=cast.cell,
        kind="temporary",
        valid_from=dt.date(2024, 2, 1),
        valid_until=dt.date(2024, 8, 1),
        by=SYSTEM,
    )
    away = make_member(cast.cell, full_name="Vũ Văn Đi", card_number="C-AWAY", joined_on=D2020)
    membership_open(
        member=away,
        cell=cast.cell2,
        kind="temporary",
        valid_from=dt.date(2024, 1, 15),
        valid_until=dt.date(2024, 7, 15),
        by=SYSTEM,
    )
    novice = make_member(
        cast.cell,
        full_name="Lý Thị Mới",
        card_number="C-NEW",
        admitted_on=dt.date(2023, 6, 1),
        official_on=None,
        joined_on=dt.date(2023, 6, 1),
    )
    cast.secretary.card_number  # noqa: B018 - the cast's cards are used below as is
    return {"moved": moved, "elder": elder, "guest": guest, "away": away, "novice": novice}


def meeting_rows(cast) -> list[list]:
    sec, an = cast.secretary.card_number, cast.member.card_number
    return [
        ["BD-01", "thường kỳ", "15/02/2024", "19:30", "21:30", "Nhà văn hóa tổ 1", "Sơ kết tháng 1", sec, an, "01-BB/CB"],
        ["BD-01", "Sinh hoạt chuyên đề", "20/03/2024", "08:00", "10:00", "Nhà văn hóa tổ 1", "Học tập chuyên đề", sec, "", ""],
        ["BD-01", "thuong ky", "15/04/2024", "19:30", "21:15", "", "", "", "", ""],
    ]  # fmt: skip


def roll_call_rows(cast) -> list[list]:
    sec, an = cast.secretary.card_number, cast.member.card_number
    return [
        ["BD-01", "thường kỳ", "15/02/2024", "", sec, "có mặt", "", "", "", ""],
        ["BD-01", "thường kỳ", "15/02/2024", "", an, "có mặt", "", "", "", "21:00"],
        ["BD-01", "thường kỳ", "15/02/2024", "", "C-ELDER", "miễn sinh hoạt", "", "", "", ""],
        ["BD-01", "thường kỳ", "15/02/2024", "19:30", "C-GUEST", "có mặt", "", "", "19:45", ""],
        ["BD-01", "thường kỳ", "15/02/2024", "", "C-NEW", "vắng có lý do", "Ốm", "Đ/c Bí thư", "", ""],
        ["BD-01", "chuyên đề", "20/03/2024", "", an, "có mặt", "", "", "", ""],
        ["BD-01", "chuyên đề", "20/03/2024", "", "C-GUEST", "có mặt", "", "", "", ""],
        ["BD-01", "chuyên đề", "20/03/2024", "", "C-NEW", "có mặt", "", "", "", ""],
        ["BD-01", "chuyên đề", "20/03/2024", "", "C-MOVED", "vắng có lý do", "Ốm", "", "", ""],
        ["BD-01", "thường kỳ", "15/04/2024", "", "C-MOVED", "có mặt", "", "", "", ""],
        ["BD-01", "thường kỳ", "15/04/2024", "", an, "vắng không lý do", "", "", "", ""],
        ["BD-01", "thường kỳ", "15/04/2024", "", "C-ELDER", "có mặt", "", "", "", ""],
        ["BD-01", "thường kỳ", "15/04/2024", "", sec, "có mặt", "", "", "", ""],
        ["BD-01", "thường kỳ", "15/04/2024", "", "C-GUEST", "có mặt", "", "", "", ""],
        ["BD-01", "thường kỳ", "15/04/2024", "", "C-NEW", "vắng không lý do", "", "", "", ""],
    ]  # fmt: skip


def lines_of(meeting: Meeting) -> dict[str, Attendance]:
    return {a.member.card_number: a for a in meeting.attendances.select_related("member")}


def assert_imported(cast) -> None:
    sec, an = cast.secretary.card_number, cast.member.card_number
    feb = Meeting.objects.get(
        cell=cast.cell, kind=MeetingKind.REGULAR, started_at=local(dt.date(2024, 2, 15), 19, 30)
    )
    assert feb.status == MeetingStatus.HELD and feb.rule_set.code == "HD12"
    assert (feb.scheduled_at, feb.ended_at) == (feb.started_at, local(dt.date(2024, 2, 15), 21, 30))
    assert (feb.place, feb.topic, feb.chair, feb.minute_taker) == (
        "Nhà văn hóa tổ 1", "Sơ kết tháng 1", cast.secretary, cast.member,
    )  # fmt: skip
    assert feb.minutes.number == "01-BB/CB" and feb.minutes.status == "draft"
    lines = lines_of(feb)
    # The roster of 15/02: not "moved" (still in BD-02), not "away" (temporary elsewhere).
    assert set(lines) == {sec, an, "C-ELDER", "C-GUEST", "C-NEW"}
    facts = {c: (a.status, a.is_exempt, a.is_temporary, a.is_official) for c, a in lines.items()}
    assert facts == {
        sec: ("present", False, False, True),
        an: ("present", False, False, True),
        "C-ELDER": ("exempt", True, False, True),
        "C-GUEST": ("present", False, True, True),
        "C-NEW": ("excused", False, False, False),
    }
    assert (lines["C-NEW"].reason, lines["C-NEW"].accepted_by) == ("Ốm", "Đ/c Bí thư")
    assert lines["C-GUEST"].arrived_late_at == local(dt.date(2024, 2, 15), 19, 45)
    assert lines[an].left_early_at == local(dt.date(2024, 2, 15), 21, 0)

    apr = Meeting.objects.get(cell=cast.cell, started_at=local(dt.date(2024, 4, 15), 19, 30))
    lines = lines_of(apr)
    assert set(lines) == {sec, an, "C-ELDER", "C-GUEST", "C-NEW", "C-MOVED"}
    assert lines["C-MOVED"].status == "present" and not lines["C-MOVED"].is_temporary
    assert (lines["C-ELDER"].status, lines["C-ELDER"].is_exempt) == ("present", True)  # came anyway
    assert lines[an].status == lines["C-NEW"].status == "unexcused"
    assert lines[sec].status == lines["C-GUEST"].status == "present"

    thematic = Meeting.objects.get(kind=MeetingKind.THEMATIC)
    assert lines_of(thematic)[sec].status == "present"  # the chair was evidently there
    assert not hasattr(thematic, "minutes") or thematic.minutes is None


def test_clean_csv_files_create_held_meetings_with_the_roster_frozen_on_their_dates(people, cast):
    result = run_csv("meetings", meeting_rows(cast))
    assert result.written, [str(e) for e in result.errors]
    assert result.counts["meetings"] == {"created": 3, "updated": 0, "unchanged": 0}
    result = run_csv("attendances", roll_call_rows(cast), sep=";", bom=True)
    assert result.written, [str(e) for e in result.errors]
    # The chair, the minute-taker and the exempted member were already marked so by the meetings sheet.
    assert result.counts["attendances"] == {"created": 0, "updated": 13, "unchanged": 2}
    assert_imported(cast)
    assert AuditEntry.objects.filter(model="meetings.meeting", action="create").count() == 3


def test_the_same_rows_in_one_xlsx_workbook_with_excel_dates_and_times(people, cast):
    def typed(rows):
        out = []
        for row in rows:
            row = list(row)
            day, month, year = map(int, row[2].split("/"))
            row[2] = dt.date(year, month, day)
            if row[3]:
                row[3] = dt.time(*map(int, row[3].split(":")))
            out.append(row)
        return out

    data = xlsx_bytes({"meetings": typed(meeting_rows(cast)), "attendances": typed(roll_call_rows(cast))})
    result = import_data(data=data, filename="so-bien-ban.xlsx", kind="all")
    assert result.written, [str(e) for e in result.errors]
    assert result.counts["attendances"]["created"] == 15
    assert_imported(cast)


def test_dry_run_writes_nothing_and_re_import_changes_nothing(people, cast):
    dry = run_csv("meetings", meeting_rows(cast), dry_run=True)
    assert dry.ok and not dry.written and dry.counts["meetings"]["created"] == 3
    assert not Meeting.objects.exists()

    run_csv("meetings", meeting_rows(cast))
    run_csv("attendances", roll_call_rows(cast))
    audit = AuditEntry.objects.count()
    again = run_csv("meetings", meeting_rows(cast))
    assert again.counts["meetings"] == {"created": 0, "updated": 0, "unchanged": 3}
    again = run_csv("attendances", roll_call_rows(cast))
    assert again.counts["attendances"] == {"created": 0, "updated": 0, "unchanged": 15}
    assert AuditEntry.objects.count() == audit + 2  # one entry per import, no row changed
    assert_imported(cast)

    # What Chibo exports imports back unchanged (the two formats are each other's inverse).
    for kind in ("meetings", "attendances"):
        content, _rows = export_data(kind=kind, filename=f"{kind}.csv", org=cast.ward)
        back = import_data(data=content, filename=f"{kind}.csv", kind=kind)
        assert back.written and back.counts[kind]["created"] == back.counts[kind]["updated"] == 0, [
            str(e) for e in back.errors
        ]


def test_a_corrected_row_updates_the_imported_meeting_and_roll_call(people, cast):
    run_csv("meetings", meeting_rows(cast))
    run_csv("attendances", roll_call_rows(cast))
    rows = meeting_rows(cast)
    rows[2][4], rows[2][5] = "21:40", "Hội trường"
    result = run_csv("meetings", rows)
    assert result.counts["meetings"] == {"created": 0, "updated": 1, "unchanged": 2}
    apr = Meeting.objects.get(started_at=local(dt.date(2024, 4, 15), 19, 30))
    assert (apr.place, apr.ended_at) == ("Hội trường", local(dt.date(2024, 4, 15), 21, 40))
    result = run_csv(
        "attendances", [["BD-01", "thường kỳ", "15/04/2024", "", cast.member.card_number, "vắng có lý do", "Ốm", "", "", ""]]
    )  # fmt: skip
    assert result.counts["attendances"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert lines_of(apr)[cast.member.card_number].status == AttendanceStatus.EXCUSED


def test_a_planned_meeting_of_that_day_is_recorded_as_held_not_duplicated(people, cast):
    planned = meeting_create(
        cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=local(dt.date(2024, 2, 15), 19, 0), by=SYSTEM
    )
    result = run_csv("meetings", meeting_rows(cast)[:1])
    assert result.counts["meetings"] == {"created": 0, "updated": 1, "unchanged": 0}
    planned.refresh_from_db()
    assert planned.status == MeetingStatus.HELD and planned.started_at == local(dt.date(2024, 2, 15), 19, 30)
    assert planned.attendances.count() == 5


def test_every_bad_meeting_row_is_reported_and_nothing_is_written(people, cast):
    sec = cast.secretary.card_number
    future = (timezone.localdate() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    audit = AuditEntry.objects.count()
    result = run_csv(
        "meetings",
        [
            ["BD-01", "thường kỳ", "15/02/2024", "19:30", "21:30", "", "", sec, "", ""],
            ["XX-99", "thường kỳ", "15/02/2024", "19:30", "21:30", "", "", "", "", ""],
            ["BD-01", "thường kỳ", future, "19:30", "21:30", "", "", "", "", ""],
            ["BD-01", "thường kỳ", "15/02/2024", "19:30", "21:00", "", "", "", "", ""],
            ["BD-01", "thường kỳ", "16/02/2024", "19:30", "19:00", "", "", "", "", ""],
            ["BD-01", "họp mặt", "17/02/2024", "25:00", "", "", "", "", "", ""],
            ["BD-01", "thường kỳ", "18/02/2024", "19:30", "", "", "", "NOBODY", "C-AWAY", ""],
            ["BD", "thường kỳ", "19/02/2024", "19:30", "", "", "", "", "", ""],
        ],
    )  # fmt: skip
    assert not result.written
    got = messages(result)
    assert (
        3,
        "Mã chi bộ",
        "Không tìm thấy chi bộ có mã «XX-99» (trong cơ sở dữ liệu hoặc ở các dòng, các trang trước).",
    ) in got
    assert (4, "Ngày", f"Ngày {future} chưa tới: chỉ nhập buổi sinh hoạt đã diễn ra.") in got
    assert (5, "Giờ bắt đầu", "Trùng với dòng 2 (cùng chi bộ, loại sinh hoạt, ngày và giờ bắt đầu).") in got
    assert (6, "Giờ kết thúc", "Giờ kết thúc phải sau giờ bắt đầu.") in got
    assert any(r == 7 and c == "Loại sinh hoạt" and "«Sinh hoạt thường kỳ»" in m for r, c, m in got)
    assert any(r == 7 and c == "Giờ bắt đầu" and "Giờ không hợp lệ «25:00»" in m for r, c, m in got)
    assert (8, "Chủ trì", "Không tìm thấy đảng viên có số thẻ «NOBODY».") in got
    assert (
        8, "Thư ký",
        "Thư ký: đảng viên Vũ Văn Đi (số thẻ C-AWAY) không có tên trong danh sách sinh hoạt của "
        "Chi bộ Tổ dân phố số 1 ngày 18/02/2024.",
    ) in got  # fmt: skip
    assert (9, "Mã chi bộ", "Đảng bộ phường Ba Đình không phải là chi bộ.") in got
    assert not Meeting.objects.exists() and AuditEntry.objects.count() == audit


def test_every_bad_roll_call_row_is_reported_and_nothing_is_written(people, cast):
    run_csv("meetings", meeting_rows(cast))
    sec, an = cast.secretary.card_number, cast.member.card_number
    before = list(Attendance.objects.order_by("pk").values_list("status", flat=True))
    result = run_csv(
        "attendances",
        [
            ["BD-01", "thường kỳ", "15/02/2024", "", "NOBODY", "có mặt", "", "", "", ""],
            ["BD-01", "thường kỳ", "15/02/2024", "", "C-MOVED", "có mặt", "", "", "", ""],
            ["BD-01", "thường kỳ", "15/02/2024", "", "C-GUEST", "có mặt", "", "", "", ""],
            ["BD-01", "thường kỳ", "15/02/2024", "", "C-GUEST", "vắng không lý do", "", "", "", ""],
            ["BD-01", "thường kỳ", "14/02/2024", "", "C-NEW", "có mặt", "", "", "", ""],
            ["BD-01", "thường kỳ", "15/02/2024", "", "C-NEW", "có mặt", "Ốm", "", "", ""],
            ["BD-01", "thường kỳ", "15/04/2024", "", "C-NEW", "vắng có lý do", "", "", "", ""],
            ["BD-01", "thường kỳ", "15/04/2024", "", "C-MOVED", "miễn sinh hoạt", "", "", "", ""],
            ["BD-01", "thường kỳ", "15/02/2024", "", sec, "vắng có lý do", "Bận", "", "", ""],
            ["BD-01", "thường kỳ", "15/04/2024", "", an, "vắng không lý do", "", "", "19:50", ""],
            ["BD-01", "thường kỳ", "15/04/2024", "", "C-ELDER", "có mặt", "", "", "19:00", ""],
            ["BD-01", "chuyên đề", "15/04/2024", "", "C-ELDER", "có mặt", "", "", "", ""],
        ],
    )  # fmt: skip
    assert not result.written
    got = messages(result)
    assert (
        2,
        "Số thẻ đảng viên",
        "Không tìm thấy đảng viên có số thẻ «NOBODY» (trong cơ sở dữ liệu hoặc ở các dòng, các trang trước).",
    ) in got
    assert (
        3, "Số thẻ đảng viên",
        "Đảng viên Phạm Văn Chuyển (số thẻ C-MOVED) không có tên trong danh sách sinh hoạt của "
        "Chi bộ Tổ dân phố số 1 ngày 15/02/2024.",
    ) in got  # fmt: skip
    assert (5, "Số thẻ đảng viên", "Trùng với dòng 4 (cùng buổi sinh hoạt, cùng đảng viên).") in got
    assert (
        6, "Ngày",
        "Không có buổi sinh hoạt thường kỳ của Chi bộ Tổ dân phố số 1 lúc ngày 14/02/2024 (trong cơ sở dữ "
        "liệu hoặc ở trang «Buổi sinh hoạt» trước đó).",
    ) in got  # fmt: skip
    assert (7, "Lý do", "Chỉ ghi lý do và người chấp nhận lý do cho đảng viên vắng có lý do.") in got
    assert (8, "Lý do", "không được để trống khi vắng có lý do.") in got
    assert (9, "Điểm danh", "đảng viên này không được miễn sinh hoạt vào ngày họp.") in got
    assert (
        10,
        "Điểm danh",
        "Đảng viên Trần Thị Bình là người chủ trì buổi sinh hoạt nên phải có mặt.",
    ) in got
    assert (11, "Điểm danh", "chỉ ghi giờ đến muộn, về sớm cho đảng viên có mặt.") in got
    assert (12, "Đến muộn lúc", "phải sau giờ bắt đầu buổi sinh hoạt.") in got
    assert any(r == 13 and c == "Ngày" and "Không có buổi sinh hoạt chuyên đề" in m for r, c, m in got)
    # April's roll call names neither the secretary nor the guest member (by given name, as lists are).
    assert (
        8, "Số thẻ đảng viên",
        "Điểm danh buổi sinh hoạt thường kỳ lúc 19:30 ngày 15/04/2024 của Chi bộ Tổ dân phố số 1 chưa đủ: 2 đảng "
        f"viên trong danh sách sinh hoạt ngày đó chưa có dòng nào: {cast.secretary.full_name} (số thẻ {sec}), "
        "Đỗ Thị Khách (số thẻ C-GUEST). Mỗi đảng viên trong danh sách phải có một dòng (có mặt, "
        "vắng có lý do, vắng không lý do hoặc miễn sinh hoạt).",
    ) in got  # fmt: skip
    assert len(got) == 12
    assert list(Attendance.objects.order_by("pk").values_list("status", flat=True)) == before


def test_a_meeting_recorded_in_chibo_is_not_overwritten(people, cast, client):
    # Held and approved in Chibo: the same roll call passes unchanged, a different one is refused.
    run_csv("meetings", meeting_rows(cast)[:1])
    feb = Meeting.objects.get()
    minutes_approve(minutes=minutes_build(meeting=feb, by=SYSTEM), confirmed=True, by=cast.leader_user)
    same = meeting_rows(cast)[:1]
    same[0][9] = Minutes.objects.get().number
    # ... with the day the minutes were approved (today), as the export writes it.
    same[0] += ["", "", "", "", "", "", timezone.localdate().strftime("%d/%m/%Y")]
    assert run_csv("meetings", same).counts["meetings"] == {"created": 0, "updated": 0, "unchanged": 1}
    changed = meeting_rows(cast)[:1]
    changed[0][5] = "Nơi khác"
    result = run_csv("meetings", changed)
    assert messages(result) == [
        (2, "Ngày", "Buổi sinh hoạt thường kỳ lúc 19:30 ngày 15/02/2024 đã có biên bản được thông qua trong Chibo: không ghi đè bằng dữ liệu nhập.")
    ]  # fmt: skip
    result = run_csv(
        "attendances", [["BD-01", "thường kỳ", "15/02/2024", "", "C-NEW", "có mặt", "", "", "", ""]]
    )
    assert [(r, c) for r, c, _ in messages(result)] == [(2, "Ngày")]

    # Being run right now: refused.
    april = meeting_create(
        cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=local(dt.date(2024, 4, 15), 19, 30), by=SYSTEM
    )
    meeting_open(meeting=april, started_at=local(dt.date(2024, 4, 15), 19, 30), by=SYSTEM)
    result = run_csv("meetings", meeting_rows(cast)[2:])
    assert messages(result) == [
        (2, "Ngày", "Buổi sinh hoạt thường kỳ lúc 19:30 ngày 15/04/2024 đang họp trong Chibo: không ghi đè bằng dữ liệu nhập.")
    ]  # fmt: skip


def test_a_workbook_with_members_memberships_meetings_and_roll_calls(cast):
    members = [
        ["W1", "Hoàng Văn Một", "Nam", "", "", "", "", "01/01/2010", "01/01/2011", ""],
        ["W2", "Hoàng Thị Hai", "Nữ", "", "", "", "", "01/01/2010", "01/01/2011", ""],
    ]
    memberships = [
        ["W1", "BD-02", "chính thức", "01/01/2020", "", ""],
        ["W2", "BD-02", "chính thức", "01/01/2020", "", ""],
    ]
    exemptions = [["W2", "01/01/2024", "", "Tuổi cao", ""]]
    meetings = [["BD-02", "thường kỳ", "05/03/2024", "19:30", "21:30", "", "", "W1", "", ""]]
    roll = [["BD-02", "thường kỳ", "05/03/2024", "", "W2", "miễn sinh hoạt", "", "", "", ""]]
    data = xlsx_bytes(
        # Sheet order in the file does not matter: they are read in dependency order.
        {"attendances": roll, "meetings": meetings, "exemptions": exemptions, "memberships": memberships, "members": members}
    )  # fmt: skip
    result = import_data(data=data, filename="tat-ca.xlsx", kind="all")
    assert result.written, [str(e) for e in result.errors]
    meeting = Meeting.objects.get(cell=cast.cell2)
    facts = {c: (a.status, a.is_exempt) for c, a in lines_of(meeting).items()}
    assert facts == {"W1": ("present", False), "W2": ("exempt", True)}
    assert meeting.chair == Member.objects.get(card_number="W1")


def test_a_user_imports_only_the_meetings_of_cells_they_may_write(people, cast):
    result = run_csv("meetings", meeting_rows(cast), user=cast.sibling_leader)
    assert {(r, c) for r, c, _ in messages(result)} == {(2, "Mã chi bộ"), (3, "Mã chi bộ"), (4, "Mã chi bộ")}
    assert (
        "Bạn không có quyền nhập dữ liệu cho «Chi bộ Tổ dân phố số 1» (mã BD-01)." in messages(result)[0][2]
    )
    result = run_csv("meetings", meeting_rows(cast), user=cast.outsider)
    assert len(result.errors) == 3 and not Meeting.objects.exists()
    # The cell's own leader and the ward's staff may.
    assert run_csv("meetings", meeting_rows(cast), user=cast.leader_user).written
    run_csv("meetings", meeting_rows(cast), user=cast.leader_user)
    assert run_csv("attendances", roll_call_rows(cast), user=cast.staff).written
    result = run_csv("attendances", roll_call_rows(cast)[:1], user=cast.sibling_leader)
    assert [(r, c) for r, c, _ in messages(result)] == [(2, "Mã chi bộ")]


# -- the web page -------------------------------------------------------------------------------------


def upload(client, kind: str, data: bytes, name: str = "tep.csv"):
    return client.post(
        reverse("dataio:index"), {"kind": kind, "file": SimpleUploadedFile(name, data)}, follow=True
    )


def test_the_page_checks_first_shows_errors_and_writes_on_confirm(people, cast, client):
    client.force_login(cast.leader_user)
    page = client.get(reverse("dataio:index")).content.decode()
    assert "Buổi sinh hoạt" in page and "Điểm danh" in page
    bad = meeting_rows(cast)
    bad[0][2] = "31/02/2024"
    page = upload(client, "meetings", csv_bytes("meetings", bad)).content.decode()
    assert "Ngày không hợp lệ «31/02/2024»" in page and "Ghi dữ liệu" not in page
    assert ImportJob.objects.get().status == JobStatus.REJECTED

    page = upload(client, "meetings", csv_bytes("meetings", meeting_rows(cast))).content.decode()
    assert "Ghi dữ liệu" in page and not Meeting.objects.exists()
    job = ImportJob.objects.first()
    assert (job.status, job.counts["meetings"]["created"]) == (JobStatus.CHECKED, 3)
    page = client.post(reverse("dataio:confirm", args=[job.pk]), follow=True).content.decode()
    assert "Đã ghi xong" in page and Meeting.objects.count() == 3

    upload(client, "attendances", csv_bytes("attendances", roll_call_rows(cast)))
    client.post(reverse("dataio:confirm", args=[ImportJob.objects.first().pk]))
    assert_imported(cast)


def test_the_page_refuses_another_cells_leader_row_by_row_and_a_plain_member_entirely(people, cast, client):
    client.force_login(cast.sibling_leader)
    page = upload(client, "meetings", csv_bytes("meetings", meeting_rows(cast))).content.decode()
    assert "Bạn không có quyền nhập dữ liệu cho «Chi bộ Tổ dân phố số 1»" in page
    job = ImportJob.objects.get()
    assert job.status == JobStatus.REJECTED
    client.post(reverse("dataio:confirm", args=[job.pk]))
    assert not Meeting.objects.exists()

    client.force_login(cast.member_user)
    assert client.get(reverse("dataio:index")).status_code == 403
    response = client.post(
        reverse("dataio:index"),
        {"kind": "meetings", "file": SimpleUploadedFile("t.csv", csv_bytes("meetings", meeting_rows(cast)))},
    )
    assert response.status_code == 403 and not Meeting.objects.exists()
    # Nor may anyone else confirm the leader's job (404: a job is its uploader's own).
    client.force_login(make_user("bithu2", role=RoleKind.CELL_LEADER, org=cast.cell))
    assert client.post(reverse("dataio:confirm", args=[job.pk])).status_code == 404


def test_queries_do_not_grow_with_the_rows(people, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(meetings, roll) -> int:
        Meeting.objects.all().delete()
        data = xlsx_bytes({"meetings": meetings, "attendances": roll})
        with CaptureQueriesContext(connection) as captured:
            result = import_data(data=data, filename="q.xlsx", kind="all")
        assert result.written, [str(e) for e in result.errors]
        return len(captured)

    few = queries(meeting_rows(cast)[:1], roll_call_rows(cast)[:5])
    many = queries(meeting_rows(cast), roll_call_rows(cast))
    assert many == few


def test_the_documented_examples_give_the_documented_roll_calls():
    import re
    from pathlib import Path

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
        assert import_data(data=text.encode(), filename=f"{kind}.csv", kind=kind).written
    kl01 = lines_of(Meeting.objects.get(cell__code="KL-01", status=MeetingStatus.HELD))
    line = kl01["01000002"]
    assert (line.status, line.reason, line.is_temporary, line.is_official) == (
        "excused",
        "Đi công tác",
        True,
        False,
    )
    kl02 = Meeting.objects.get(cell__code="KL-02")
    line = lines_of(kl02)["01000001"]
    assert (kl02.chair.card_number, line.status, line.is_exempt) == ("01000001", "present", True)
    held = Meeting.objects.get(cell__code="KL-01", status=MeetingStatus.HELD)
    assert held.minutes.number == "03-BB/CB" and held.minutes.status == "approved"
    assert held.supervision_visits.get().assignment.member.card_number == "01000001"
    assert [s.rule_step.code for s in held.steps.filter(done=False)] == ["party_fees", "praise"]
    assert Meeting.objects.get(cell__code="KL-01", status=MeetingStatus.CANCELLED).cancel_reason


def test_the_command_line_imports_meetings_and_roll_calls(people, cast, tmp_path):
    from django.core.management import CommandError, call_command

    meetings, roll = tmp_path / "bb.csv", tmp_path / "dd.csv"
    meetings.write_bytes(csv_bytes("meetings", meeting_rows(cast)))
    roll.write_bytes(csv_bytes("attendances", roll_call_rows(cast)))
    call_command("import_data", "meetings", str(meetings), "--dry-run")
    assert not Meeting.objects.exists()
    with pytest.raises(CommandError, match="15 lỗi"):
        call_command("import_data", "attendances", str(roll))  # no meetings yet: every row refused
    call_command("import_data", "meetings", str(meetings))
    call_command("import_data", "attendances", str(roll), "--user", "bithu")
    assert_imported(cast)
