import datetime as dt
import io
import subprocess

import pytest
from docx import Document

from chibo.meetings.documents import (
    PARTY,
    Block,
    body_blocks,
    date_line,
    locality,
    minutes_document,
    minutes_file,
)
from chibo.meetings.models import MeetingKind
from chibo.meetings.services.minutes import minutes_amend, minutes_approve, minutes_build
from chibo.orgs.models import OrgKind
from tests.factories import make_org
from tests.meetings.minutes_fixtures import DUC, GUEST, TUYET, docx_text, held_meeting, need, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(cast, rule_set):
    return held_meeting(cast, rule_set)


def test_the_body_text_is_read_as_headings_steps_items_and_sub_items():
    text = "I. THÀNH PHẦN\n- Chủ trì: A.\n  + Khách: B.\n\n\n1. Điểm danh\n  ghi chép\nĐoạn văn."
    assert body_blocks(text) == [
        Block("heading", "I. THÀNH PHẦN"),
        Block("item", "- Chủ trì: A."),
        Block("sub", "+ Khách: B."),
        Block("gap", ""),
        Block("step", "1. Điểm danh"),
        Block("sub", "ghi chép"),
        Block("para", "Đoạn văn."),
    ]


def test_the_date_line_pads_days_and_the_first_two_months():
    assert date_line("Ba Đình", dt.date(2025, 3, 5)) == "Ba Đình, ngày 05 tháng 3 năm 2025"
    assert date_line("Ba Đình", dt.date(2025, 1, 15)) == "Ba Đình, ngày 15 tháng 01 năm 2025"
    assert date_line("", dt.date(2025, 12, 1)) == "Ngày 01 tháng 12 năm 2025"


def test_the_place_is_the_ward_above_the_cell_even_through_a_partial_committee(cast):
    assert locality(cast.cell) == "Ba Đình"
    partial = make_org("Đảng bộ bộ phận khu A", kind=OrgKind.PARTIAL, parent=cast.ward)
    assert locality(make_org("Chi bộ khu A1", parent=partial)) == "Ba Đình"


def test_the_document_has_the_party_header_number_title_body_and_signatures(held, cast):
    doc = minutes_document(minutes_build(meeting=held, by=cast.leader_user))
    assert (doc.upper_name, doc.cell_name) == ("ĐẢNG BỘ PHƯỜNG BA ĐÌNH", "CHI BỘ TỔ DÂN PHỐ SỐ 1")
    assert doc.number == "Số: 01-BB/CB"
    assert doc.place_date == "Ba Đình, ngày 05 tháng 3 năm 2025"
    assert doc.title == "BIÊN BẢN SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 3 NĂM 2025"
    assert doc.draft and "DỰ THẢO" in doc.text
    # The chair is the cell's secretary: she signs for the cell.
    assert (doc.left.titles, doc.left.name) == (["THƯ KÝ"], "Lê Văn An")
    assert (doc.right.titles, doc.right.name) == (["T/M CHI BỘ", "BÍ THƯ"], "Trần Thị Bình")


def test_a_chair_without_a_position_signs_as_chair_and_a_thematic_title_names_the_quarter(held, cast):
    held.chair, held.kind, held.topic = cast.member, MeetingKind.THEMATIC, "Học tập Chỉ thị 50"
    held.save()
    doc = minutes_document(minutes_build(meeting=held, by=cast.leader_user))
    assert (doc.right.titles, doc.right.name) == (["CHỦ TRÌ"], "Lê Văn An")
    assert doc.title == "BIÊN BẢN SINH HOẠT CHI BỘ CHUYÊN ĐỀ QUÝ I NĂM 2025"
    assert doc.subtitle == "Chuyên đề: Học tập Chỉ thị 50"


def test_the_docx_opens_with_python_docx_and_holds_the_header_names_and_amendments(held, cast):
    minutes = minutes_approve(
        minutes=minutes_build(meeting=held, by=cast.leader_user), confirmed=True, by=cast.leader_user
    )
    minutes_amend(
        minutes=minutes, text=f"Đồng chí {DUC} vắng có lý do (ốm).", reason="Ghi nhầm", by=cast.leader_user
    )
    text = docx_text(minutes_file(minutes, "docx"))
    for expected in (
        PARTY,
        "ĐẢNG BỘ PHƯỜNG BA ĐÌNH",
        "CHI BỘ TỔ DÂN PHỐ SỐ 1",
        "Số: 01-BB/CB",
        "Ba Đình, ngày 05 tháng 3 năm 2025",
        "BIÊN BẢN SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 3 NĂM 2025",
        f"Đồng chí {TUYET}: Đi công tác ở Đà Nẵng",
        "THƯ KÝ",
        "T/M CHI BỘ",
        "Trần Thị Bình",
        "ĐÍNH CHÍNH BIÊN BẢN",
        f"Đồng chí {DUC} vắng có lý do (ốm).",
    ):
        assert expected in text, expected
    assert "DỰ THẢO" not in text


def test_the_party_name_is_bold_and_underlined_in_the_docx(held, cast):
    document = Document(io.BytesIO(minutes_file(minutes_build(meeting=held, by=cast.leader_user), "docx")))
    runs = [r for p in document.tables[0].rows[0].cells[1].paragraphs for r in p.runs if r.text == PARTY]
    assert runs and runs[0].bold and runs[0].underline
    assert "DỰ THẢO" in [p.text for p in document.paragraphs]


def test_the_weasyprint_pdf_shows_vietnamese_names_intact(held, cast, tmp_path):
    minutes = minutes_build(meeting=held, by=cast.leader_user)
    text = pdf_text(minutes_file(minutes, "pdf"), tmp_path)
    for expected in (
        PARTY,
        "DỰ THẢO",
        TUYET,
        DUC,
        GUEST,
        "Trần Thị Bình",
        "Ba Đình, ngày 05 tháng 3 năm 2025",
    ):
        assert expected in text, expected
    # The page starts with the document itself: no template comment or other stray text above the header.
    assert text.lstrip().startswith("ĐẢNG"), text[:200]


def test_the_docx_converts_to_pdf_with_libreoffice_and_keeps_the_names(held, cast, tmp_path):
    office = need("soffice")
    minutes = minutes_approve(
        minutes=minutes_build(meeting=held, by=cast.leader_user), confirmed=True, by=cast.leader_user
    )
    source = tmp_path / "bien-ban.docx"
    source.write_bytes(minutes_file(minutes, "docx"))
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            office,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    text = pdf_text((tmp_path / "bien-ban.pdf").read_bytes(), tmp_path)
    for expected in (PARTY, "CHI BỘ TỔ DÂN PHỐ SỐ 1", TUYET, DUC, GUEST, "Lê Văn An", "Trần Thị Bình"):
        assert expected in text, expected
