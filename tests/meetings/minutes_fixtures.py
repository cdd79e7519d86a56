"""A held meeting with everything recorded, built directly with the ORM (as the running services would),
for the minutes and documents tests."""

import datetime as dt
import io
import os
import shutil
import subprocess
import unicodedata

import pytest
from django.utils import timezone
from docx import Document

from chibo.common.access import SYSTEM
from chibo.meetings.models import (
    Attendance,
    AttendanceStatus,
    Guest,
    Meeting,
    MeetingStatus,
    MeetingStep,
    MotionKind,
    Speech,
    Vote,
)
from chibo.members.models import PositionKind
from chibo.members.services import position_assign
from tests.factories import make_member
from tests.meetings.conftest import make_meeting

TUYET = "Nguyễn Thị Ánh Tuyết"
DUC = "Phạm Văn Đức"
LOC = "Vũ Văn Lộc"
HUONG = "Ngô Thị Hường"
GUEST = "Nguyễn Văn Hùng"


def at(day: dt.date, hh: int, mm: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hh, mm))


def record_meeting(
    cast, rule_set, *, day=dt.date(2025, 3, 5), members=None, status=MeetingStatus.HELD
) -> Meeting:
    """A regular meeting of cast.cell on `day`, 19:30–21:15, with roll call, steps, speeches, a guest, a vote."""
    tuyet, duc, loc, huong = members or (
        make_member(cast.cell, full_name=TUYET),
        make_member(cast.cell, full_name=DUC),
        make_member(cast.cell, full_name=LOC),
        make_member(cast.cell, full_name=HUONG, official_on=None, admitted_on=dt.date(2024, 12, 1)),
    )
    meeting = make_meeting(
        cast.cell,
        rule_set,
        when=at(day, 19, 30),
        status=status,
        place="Nhà văn hóa tổ dân phố số 1",
        topic="Công tác vệ sinh môi trường",
        started_at=at(day, 19, 30),
        ended_at=at(day, 21, 15) if status == MeetingStatus.HELD else None,
        chair=cast.secretary,
        minute_taker=cast.member,
    )
    rows = [
        (cast.secretary, AttendanceStatus.PRESENT, "", "", False),
        (cast.member, AttendanceStatus.PRESENT, "", "", False),
        (tuyet, AttendanceStatus.EXCUSED, "Đi công tác ở Đà Nẵng", "Trần Thị Bình", False),
        (duc, AttendanceStatus.UNEXCUSED, "", "", False),
        (loc, AttendanceStatus.EXEMPT, "", "", True),
        (huong, AttendanceStatus.PRESENT, "", "", False),
    ]
    for member, status_, reason, accepted, exempt in rows:
        Attendance.objects.create(
            meeting=meeting,
            member=member,
            status=status_,
            reason=reason,
            accepted_by=accepted,
            is_exempt=exempt,
            is_official=member is not huong,
        )
    guest = Guest.objects.create(
        meeting=meeting, name=GUEST, title="Đảng ủy viên phường, phụ trách chi bộ", is_upper_level=True
    )
    titles = [
        ("Nêu mục đích, giới thiệu đại biểu", True, ""),
        ("Điểm danh", True, ""),
        ("Thảo luận, phê bình và tự phê bình", True, "Chi bộ thảo luận về vệ sinh môi trường."),
        ("Kết luận, giao nhiệm vụ", True, "Kết luận: giao đồng chí Lê Văn An lập kế hoạch tổng vệ sinh."),
        ("Khen thưởng, nhắc nhở", False, ""),
    ]
    steps = [
        MeetingStep.objects.create(meeting=meeting, order=i, title=t, done=done, notes=notes, mandatory=done)
        for i, (t, done, notes) in enumerate(titles, 1)
    ]
    Speech.objects.create(
        meeting=meeting,
        step=steps[2],
        member=cast.member,
        gist="Đề nghị tổ chức tổng vệ sinh cuối tháng.",
        order=1,
    )
    Speech.objects.create(
        meeting=meeting, step=steps[2], guest=guest, gist="Ghi nhận chi bộ chuẩn bị chu đáo.", order=2
    )
    Vote.objects.create(
        meeting=meeting,
        kind=MotionKind.RESOLUTION,
        motion="Nghị quyết tháng 3 năm 2025",
        in_favour=3,
        against=1,
        abstain=0,
        entitled=4,
        passed=True,
    )
    meeting.tuyet, meeting.duc = tuyet, duc
    return meeting


def held_meeting(cast, rule_set):
    """The meeting of 05/03/2025 chaired by the cell's secretary (she signs for the cell)."""
    position_assign(
        member=cast.secretary, cell=cast.cell, kind=PositionKind.SECRETARY, valid_from=dt.date(2020, 1, 1), by=SYSTEM
    )
    return record_meeting(cast, rule_set)


# --- reading the documents back ----------------------------------------------------------------------


def need(tool: str) -> str:
    """The document checks use Debian tools that `./dev test` installs: on CI a missing one fails."""
    found = shutil.which(tool)
    if found is None:
        message = f"{tool} không có trên máy này (gói Debian trong dòng apt_install của ./dev test)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def pdf_text(pdf: bytes, tmp_path) -> str:
    """pdftotext of the PDF, NFC-normalised and on one line (names may wrap)."""
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        [need("pdftotext"), "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode()
    return " ".join(unicodedata.normalize("NFC", text).split())


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)
