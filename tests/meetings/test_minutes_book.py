import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from chibo.audit.models import AuditEntry
from chibo.cli import main
from chibo.common.access import SYSTEM
from chibo.meetings.models import MeetingStatus
from chibo.meetings.services.minutes import minutes_amend, minutes_approve, minutes_build
from tests.factories import make_member
from tests.meetings.conftest import make_meeting
from tests.meetings.minutes_fixtures import TUYET, at, docx_text, pdf_text, record_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2025(cast, rule_set):
    """Three meetings held in 2025 (created out of date order), one in 2024, one planned, one cancelled."""
    members = [make_member(cast.cell, full_name=TUYET)] + [make_member(cast.cell) for _ in range(3)]
    june = record_meeting(cast, rule_set, day=dt.date(2025, 6, 4), members=members)
    january = record_meeting(cast, rule_set, day=dt.date(2025, 1, 8), members=members)
    march = record_meeting(cast, rule_set, day=dt.date(2025, 3, 5), members=members)
    old = record_meeting(cast, rule_set, day=dt.date(2024, 12, 4), members=members)
    make_meeting(cast.cell, rule_set, when=at(dt.date(2025, 9, 3), 19, 30))
    make_meeting(cast.cell, rule_set, when=at(dt.date(2025, 10, 1), 19, 30), status=MeetingStatus.CANCELLED)
    for meeting in (january, march, old):
        minutes_approve(
            minutes=minutes_build(meeting=meeting, by=SYSTEM), confirmed=True, by=cast.leader_user
        )
    minutes_amend(
        minutes=march.minutes, text="Giờ kết thúc đúng là 21:20.", reason="Ghi nhầm giờ", by=cast.leader_user
    )
    minutes_build(meeting=june, by=SYSTEM)  # a draft
    return cast


def test_the_pdf_book_has_a_cover_and_every_meeting_of_the_year_in_date_order(year_2025, tmp_path):
    out = tmp_path / "so-bien-ban.pdf"
    call_command("minutes_book", "BD-01", "--year", "2025", "-o", str(out))
    text = pdf_text(out.read_bytes(), tmp_path)
    assert text.index("SỔ BIÊN BẢN SINH HOẠT CHI BỘ") < text.index("NĂM 2025")
    titles = [f"BIÊN BẢN SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG {m} NĂM 2025" for m in (1, 3, 6)]
    positions = [text.index(t) for t in titles]
    assert positions == sorted(positions)
    assert "THÁNG 12 NĂM 2024" not in text and "THÁNG 9 NĂM 2025" not in text
    assert "Giờ kết thúc đúng là 21:20." in text and "Đã thông qua, 1 đính chính" in text
    # Only the June minutes are a draft, and they say so.
    assert text.count("DỰ THẢO") == 1 and text.index("DỰ THẢO") > positions[1]
    assert TUYET in text


def test_the_docx_book_holds_the_same_content(year_2025, tmp_path):
    out = tmp_path / "so-bien-ban.DOCX"
    call_command("minutes_book", "BD-01", "--year", "2025", "-o", str(out))
    text = docx_text(out.read_bytes())
    assert "SỔ BIÊN BẢN SINH HOẠT CHI BỘ" in text and "NĂM 2025" in text
    for month in (1, 3, 6):
        assert f"BIÊN BẢN SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG {month} NĂM 2025" in text
    assert "THÁNG 12 NĂM 2024" not in text
    assert "Giờ kết thúc đúng là 21:20." in text and "DỰ THẢO" in text
    assert AuditEntry.objects.filter(action="export", model="orgs.organisation").exists()


def test_an_unknown_cell_code_is_a_clear_error(cast, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("minutes_book", "XX-99", "--year", "2025", "-o", str(tmp_path / "a.pdf"))
    assert str(error.value) == "Không có chi bộ mã «XX-99»."
    assert not (tmp_path / "a.pdf").exists()


def test_a_committee_code_is_not_a_cell(cast, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("minutes_book", "BD", "--year", "2025", "-o", str(tmp_path / "a.pdf"))
    assert "không phải chi bộ" in str(error.value)


def test_an_unsupported_extension_is_a_clear_error(cast, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("minutes_book", "BD-01", "--year", "2025", "-o", str(tmp_path / "so.txt"))
    assert str(error.value) == "Định dạng tệp «.txt» không được hỗ trợ: hãy dùng tệp .pdf hoặc .docx."


def test_the_console_script_exits_non_zero_with_the_message(cast, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["chibo", "minutes-book", "XX-99", "--year", "2025", "-o", str(tmp_path / "a.docx")])
    assert exit_.value.code != 0
    assert "Không có chi bộ mã «XX-99»." in capsys.readouterr().err


def test_a_year_without_meetings_still_gives_a_book(cast, tmp_path):
    out = tmp_path / "trong.docx"
    call_command("minutes_book", "BD-01", "--year", "2023", "-o", str(out))
    assert "Chi bộ không có buổi sinh hoạt nào đã họp trong năm." in docx_text(out.read_bytes())
