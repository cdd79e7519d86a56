import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.shortcuts import resolve_url
from django.urls import reverse
from docx import Document

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.meetings.documents import PARTY
from chibo.meetings.models import MeetingKind
from chibo.members.models import PositionKind
from chibo.members.services import position_assign
from chibo.resolutions import services
from chibo.resolutions.documents import resolution_document, resolution_file, resolution_filename
from tests.meetings.minutes_fixtures import docx_text, pdf_text
from tests.resolutions.conftest import hold_meeting, local

pytestmark = pytest.mark.django_db

TASK = "Vận động các hộ gia đình phân loại rác tại nguồn"


@pytest.fixture
def secretary(cast):
    return position_assign(
        member=cast.secretary, cell=cast.cell, kind=PositionKind.SECRETARY, valid_from=dt.date(2020, 1, 1), by=SYSTEM
    )


@pytest.fixture
def approved(cast, held, next_meeting, secretary):
    """The March resolution, approved (05-NQ/CB), with one task for Lê Văn An."""
    services.task_assign(
        meeting=held, members=[cast.member], text=TASK, due_on=dt.date(2025, 3, 30), by=cast.leader_user
    )
    resolution = services.resolution_build(meeting=held, by=cast.leader_user)
    services.resolution_update(
        resolution=resolution,
        by=cast.leader_user,
        number="05-NQ/CB",
        direction="- Tổng vệ sinh khu dân cư cuối tháng.",
        self_assessment="Buổi sinh hoạt đạt chất lượng tốt.",
    )
    return services.resolution_approve(resolution=resolution, by=cast.leader_user)


def test_the_document_has_the_party_layout_sections_vote_and_signature(approved):
    doc = resolution_document(approved)
    assert (doc.upper_name, doc.cell_name) == ("ĐẢNG BỘ PHƯỜNG BA ĐÌNH", "CHI BỘ TỔ DÂN PHỐ SỐ 1")
    assert doc.number == "Số 05-NQ/CB"
    assert doc.place_date == "Ba Đình, ngày 05 tháng 3 năm 2025"
    assert doc.title == "NGHỊ QUYẾT SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 3 NĂM 2025"
    assert not doc.draft and "DỰ THẢO" not in doc.text
    assert [s.heading for s in doc.sections] == [
        "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG TRƯỚC",
        "II. PHƯƠNG HƯỚNG, NHIỆM VỤ THÁNG TỚI",
        "III. PHÂN CÔNG NHIỆM VỤ",
        "IV. TỰ ĐÁNH GIÁ CHẤT LƯỢNG BUỔI SINH HOẠT",
    ]
    assert any(TASK in b.text and "Lê Văn An" in b.text for b in doc.sections[2].blocks)
    # Everyone present (2 of 2 entitled) voted in favour.
    assert doc.vote_line.startswith(
        "Nghị quyết được thông qua với 2/2 đảng viên có quyền biểu quyết tán thành"
    )
    # Nobody chaired: the cell's secretary signs for the cell.
    assert (doc.signature.titles, doc.signature.name) == (["T/M CHI BỘ", "BÍ THƯ"], "Trần Thị Bình")
    assert "- Đảng ủy phường Ba Đình (để báo cáo)," in doc.recipients


def test_a_draft_conclusion_of_a_thematic_meeting_is_marked_and_titled_by_quarter(
    cast, task_rules, secretary
):
    meeting = hold_meeting(
        cast, task_rules, local(2025, 2, 12, 19, 30), kind=MeetingKind.THEMATIC, topic="Học tập Chỉ thị 35"
    )
    conclusion = services.resolution_build(meeting=meeting, by=cast.leader_user)
    doc = resolution_document(conclusion)
    assert doc.title == "KẾT LUẬN SINH HOẠT CHUYÊN ĐỀ QUÝ I NĂM 2025"
    assert doc.subtitle == "Chuyên đề: Học tập Chỉ thị 35"
    assert doc.draft and doc.number == "Số …-KL/CB" and doc.decides == "CHI BỘ KẾT LUẬN"
    assert doc.place_date == "Ba Đình, ngày 12 tháng 02 năm 2025"
    assert resolution_filename(conclusion, "pdf") == "ket-luan-du-thao-BD-01-2025-02-12.pdf"


def test_the_docx_opens_with_python_docx_and_holds_names_number_and_sections(approved):
    content = resolution_file(approved, "docx")
    text = docx_text(content)
    for expected in (
        PARTY,
        "ĐẢNG BỘ PHƯỜNG BA ĐÌNH",
        "CHI BỘ TỔ DÂN PHỐ SỐ 1",
        "Số 05-NQ/CB",
        "Ba Đình, ngày 05 tháng 3 năm 2025",
        "NGHỊ QUYẾT SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 3 NĂM 2025",
        "CHI BỘ QUYẾT NGHỊ",
        "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG TRƯỚC",
        "II. PHƯƠNG HƯỚNG, NHIỆM VỤ THÁNG TỚI",
        "- Tổng vệ sinh khu dân cư cuối tháng.",
        "III. PHÂN CÔNG NHIỆM VỤ",
        f"Đồng chí Lê Văn An: {TASK}",
        "IV. TỰ ĐÁNH GIÁ CHẤT LƯỢNG BUỔI SINH HOẠT",
        "Buổi sinh hoạt đạt chất lượng tốt.",
        "T/M CHI BỘ",
        "BÍ THƯ",
        "Trần Thị Bình",
        "Nơi nhận:",
    ):
        assert expected in text, expected
    assert "DỰ THẢO" not in text
    document = Document(io.BytesIO(content))
    runs = [r for p in document.tables[0].rows[0].cells[1].paragraphs for r in p.runs if r.text == PARTY]
    assert runs and runs[0].bold and runs[0].underline


def test_the_weasyprint_pdf_shows_vietnamese_text_intact(approved, tmp_path):
    text = pdf_text(resolution_file(approved, "pdf"), tmp_path)
    for expected in (
        PARTY,
        "Số 05-NQ/CB",
        "NGHỊ QUYẾT SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 3 NĂM 2025",
        "Lê Văn An",
        "Trần Thị Bình",
        "III. PHÂN CÔNG NHIỆM VỤ",
        "Ba Đình, ngày 05 tháng 3 năm 2025",
    ):
        assert expected in text, expected


def test_a_draft_pdf_says_draft(cast, held, secretary, tmp_path):
    draft = services.resolution_build(meeting=held, by=cast.leader_user)
    text = pdf_text(resolution_file(draft, "pdf"), tmp_path)
    assert "DỰ THẢO" in text and "Số …-NQ/CB" in text


# --- downloads ------------------------------------------------------------------------------------------


def test_the_leader_downloads_the_docx_and_the_export_is_logged(client, cast, approved):
    client.force_login(cast.leader_user)
    response = client.get(reverse("resolutions:docx", args=[approved.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="nghi-quyet-05-NQ-CB-BD-01.docx"'
    assert "Trần Thị Bình" in docx_text(response.content)
    entry = AuditEntry.objects.filter(action="export", model="resolutions.resolution").get()
    assert (entry.object_id, entry.user_id) == (str(approved.pk), cast.leader_user.pk)


def test_a_member_of_the_cell_downloads_the_approved_pdf(client, cast, approved):
    client.force_login(cast.member_user)
    response = client.get(reverse("resolutions:pdf", args=[approved.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_member_may_not_download_a_draft(client, cast, held, secretary):
    draft = services.resolution_build(meeting=held, by=cast.leader_user)
    client.force_login(cast.member_user)
    assert client.get(reverse("resolutions:docx", args=[draft.pk])).status_code == 403
    client.force_login(cast.leader_user)
    assert client.get(reverse("resolutions:docx", args=[draft.pk])).status_code == 200


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
@pytest.mark.parametrize("name", ["resolutions:docx", "resolutions:pdf"])
def test_users_of_a_sibling_organisation_get_404_and_nothing_is_logged(client, cast, approved, who, name):
    client.force_login(getattr(cast, who))
    assert client.get(reverse(name, args=[approved.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_anonymous_users_are_sent_to_log_in(client, approved):
    response = client.get(reverse("resolutions:pdf", args=[approved.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


# --- the yearly book ------------------------------------------------------------------------------------


@pytest.fixture
def year_2025(cast, task_rules, approved):
    """March's approved resolution, a January conclusion (draft) and a 2024 resolution (not in the book)."""
    january = hold_meeting(
        cast, task_rules, local(2025, 1, 15, 19, 30), kind=MeetingKind.THEMATIC, topic="Học tập Chỉ thị 35"
    )
    services.resolution_build(meeting=january, by=cast.leader_user)
    old = hold_meeting(cast, task_rules, local(2024, 12, 4, 19, 30))
    services.resolution_build(meeting=old, by=cast.leader_user)
    return cast


def test_the_pdf_book_has_a_cover_and_the_year_in_date_order(year_2025, tmp_path):
    out = tmp_path / "so-nghi-quyet.pdf"
    call_command("resolutions_book", "BD-01", "--year", "2025", "-o", str(out))
    text = pdf_text(out.read_bytes(), tmp_path)
    assert text.index("SỔ NGHỊ QUYẾT, KẾT LUẬN CỦA CHI BỘ") < text.index("NĂM 2025")
    january = text.index("KẾT LUẬN SINH HOẠT CHUYÊN ĐỀ QUÝ I NĂM 2025")
    march = text.index("NGHỊ QUYẾT SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 3 NĂM 2025")
    assert january < march
    assert "THÁNG 12 NĂM 2024" not in text
    assert text.count("DỰ THẢO") == 1 and text.index("DỰ THẢO") < march  # only January's is a draft
    assert "05-NQ/CB" in text and "Trần Thị Bình" in text
    assert AuditEntry.objects.filter(action="export", model="orgs.organisation").exists()


def test_the_docx_book_holds_the_same_content(year_2025, tmp_path):
    out = tmp_path / "so-nghi-quyet.DOCX"
    call_command("resolutions_book", "BD-01", "--year", "2025", "-o", str(out))
    text = docx_text(out.read_bytes())
    assert "SỔ NGHỊ QUYẾT, KẾT LUẬN CỦA CHI BỘ" in text and "NĂM 2025" in text
    assert "KẾT LUẬN SINH HOẠT CHUYÊN ĐỀ QUÝ I NĂM 2025" in text
    assert "NGHỊ QUYẾT SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 3 NĂM 2025" in text
    assert f"Đồng chí Lê Văn An: {TASK}" in text
    assert "THÁNG 12 NĂM 2024" not in text


def test_an_unknown_cell_code_is_a_clear_error(cast, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("resolutions_book", "XX-99", "--year", "2025", "-o", str(tmp_path / "a.pdf"))
    assert str(error.value) == "Không có chi bộ mã «XX-99»."
    assert not (tmp_path / "a.pdf").exists()


def test_a_year_without_resolutions_is_a_clear_error(cast, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("resolutions_book", "BD-01", "--year", "2023", "-o", str(tmp_path / "a.docx"))
    assert str(error.value) == "Chi bộ Tổ dân phố số 1 không có nghị quyết, kết luận nào trong năm 2023."
    assert not (tmp_path / "a.docx").exists()


def test_a_committee_code_or_an_unsupported_extension_is_refused(cast, tmp_path):
    with pytest.raises(CommandError, match="không phải chi bộ"):
        call_command("resolutions_book", "BD", "--year", "2025", "-o", str(tmp_path / "a.pdf"))
    with pytest.raises(CommandError, match="Định dạng tệp «.txt» không được hỗ trợ"):
        call_command("resolutions_book", "BD-01", "--year", "2025", "-o", str(tmp_path / "a.txt"))
