"""No template text in what Chibo hands out: every PDF, DOCX and XLSX it generates is read back (pdftotext,
python-docx, openpyxl) and may hold no `{#`, `{%`, `{{` or their closings. A multi-line `{# #}` once
stood at the top of every minutes and resolution PDF; a broken tag or variable would show the same way.

The generators are found by grep (`test_every_document_generator_is_read_back_here`), so a new one
must be added here."""

import datetime as dt
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

import chibo
from chibo.accounts import services as accounts
from chibo.accounts.slips import render_slips_pdf
from chibo.common.access import SYSTEM
from chibo.dataio.formats import ALL, KINDS
from chibo.dataio.services import export_data, import_template
from chibo.meetings.documents import FORMATS as MINUTES_FORMATS
from chibo.meetings.documents import minutes_book, minutes_file
from chibo.meetings.models import MeetingKind
from chibo.meetings.services.minutes import minutes_amend, minutes_approve, minutes_build
from chibo.members.models import PositionKind
from chibo.members.services import position_assign
from chibo.reporting import facts, periods, reports
from chibo.resolutions import services as resolutions
from chibo.resolutions.documents import FORMATS as RESOLUTION_FORMATS
from chibo.resolutions.documents import resolution_file, resolutions_book
from tests.factories import make_member
from tests.meetings.minutes_fixtures import docx_text, pdf_text
from tests.reporting.scenario import MARCH
from tests.reporting.scenario import build as build_scenario
from tests.resolutions.conftest import held, hold_meeting, local, task_rules  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

TEMPLATE_MARKS = ("{#", "#}", "{%", "%}", "{{", "}}")
CHIBO = Path(chibo.__file__).parent

# Where Chibo makes a document, and the test below that reads it back. The demo's sample materials are
# made once for the demo and never from a template.
GENERATORS = {
    "meetings/documents.py": "test_minutes_and_their_book",
    "resolutions/documents.py": "test_resolutions_and_their_book",
    "reporting/reports.py": "test_the_period_report",
    "accounts/slips.py": "test_activation_slips",
    "dataio/services.py": "test_exports_and_import_templates",
    "demo/materials.py": None,
    "materials/files.py": None,  # reads uploaded files (search text), makes none
}
_MAKES_A_DOCUMENT = re.compile(r"\.write_pdf\(|\bDocument\(|\bWorkbook\(|docx_book\(")


def leaked(text: str) -> list[str]:
    """The template marks in `text`, each with a little of what surrounds it."""
    found = []
    for mark in TEMPLATE_MARKS:
        start = text.find(mark)
        if start >= 0:
            found.append(text[max(0, start - 30) : start + 40])
    return found


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return "\n".join(
        str(value)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for value in row
        if value
    )


class _Visible(HTMLParser):
    """The text a printed page shows: not its styles or scripts."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def read_back(content: bytes, fmt: str, tmp_path) -> str:
    if fmt == "pdf":
        return pdf_text(content, tmp_path)
    if fmt == "docx":
        return docx_text(content)
    if fmt == "xlsx":
        return xlsx_text(content)
    return content.decode("utf-8-sig")


def assert_clean(content: bytes, fmt: str, tmp_path, what: str) -> str:
    text = read_back(content, fmt, tmp_path)
    assert text.strip(), f"{what}: no text read back"
    assert not leaked(text), f"{what}: {leaked(text)}"
    return text


def test_every_document_generator_is_read_back_here():
    makers = sorted(
        str(path.relative_to(CHIBO))
        for path in CHIBO.rglob("*.py")
        if "migrations" not in path.parts and _MAKES_A_DOCUMENT.search(path.read_text(encoding="utf-8"))
    )
    assert makers == sorted(GENERATORS), "a new document generator: read it back in this file"
    tests = {name for name in globals() if name.startswith("test_")}
    assert {t for t in GENERATORS.values() if t} <= tests


def test_the_marks_are_found_when_a_template_leaks():
    assert leaked("{# The header of a party document") and leaked("Chi bộ {{ doc.cell_name }}")
    assert not leaked("ĐẢNG BỘ PHƯỜNG BA ĐÌNH · CHI BỘ TỔ DÂN PHỐ SỐ 1 {số}")


@pytest.fixture
def secretary(cast):
    return position_assign(
        member=cast.secretary, cell=cast.cell, kind=PositionKind.SECRETARY, valid_from=dt.date(2020, 1, 1),
        by=SYSTEM,
    )


@pytest.fixture
def year_of_documents(cast, task_rules, held, secretary):  # noqa: F811
    """March: minutes approved and amended, resolution approved with a task; February (thematic): a draft
    conclusion and no minutes, so the books hold a "not yet written" page and a draft."""
    resolutions.task_assign(
        meeting=held,
        members=[cast.member],
        text="Vận động phân loại rác",
        due_on=dt.date(2025, 3, 30),
        by=cast.leader_user,
    )
    minutes = minutes_approve(
        minutes=minutes_build(meeting=held, by=cast.leader_user), confirmed=True, by=cast.leader_user
    )
    minutes_amend(minutes=minutes, text="Sửa giờ kết thúc: 21:20.", reason="Ghi nhầm", by=cast.leader_user)
    resolution = resolutions.resolution_build(meeting=held, by=cast.leader_user)
    resolution = resolutions.resolution_approve(resolution=resolution, by=cast.leader_user)
    thematic = hold_meeting(
        cast, task_rules, local(2025, 2, 12, 19, 30), kind=MeetingKind.THEMATIC, topic="Học tập Chỉ thị 35"
    )
    conclusion = resolutions.resolution_build(meeting=thematic, by=cast.leader_user)
    return minutes, resolution, conclusion


@pytest.mark.parametrize("fmt", MINUTES_FORMATS)
def test_minutes_and_their_book(cast, year_of_documents, fmt, tmp_path, as_user):
    minutes, _resolution, _conclusion = year_of_documents
    text = assert_clean(minutes_file(minutes, fmt), fmt, tmp_path, f"biên bản .{fmt}")
    if fmt == "pdf":  # the party header comes first: nothing printed above it (in a DOCX it is a table)
        assert text.split()[:4] == ["ĐẢNG", "BỘ", "PHƯỜNG", "BA"], text[:120]
    assert "Sửa giờ kết thúc: 21:20." in text
    book = assert_clean(minutes_book(cast.cell, 2025, fmt), fmt, tmp_path, f"sổ biên bản .{fmt}")
    assert "Chưa lập biên bản" in book
    # What the user downloads is the same document.
    response = as_user(cast.leader_user).get(
        reverse("meetings:minutes_download", args=[minutes.meeting_id, fmt])
    )
    assert response.status_code == 200
    assert_clean(response.content, fmt, tmp_path, f"biên bản tải về .{fmt}")


@pytest.mark.parametrize("fmt", RESOLUTION_FORMATS)
def test_resolutions_and_their_book(cast, year_of_documents, fmt, tmp_path):
    _minutes, resolution, conclusion = year_of_documents
    text = assert_clean(resolution_file(resolution, fmt), fmt, tmp_path, f"nghị quyết .{fmt}")
    if fmt == "pdf":
        assert text.split()[:4] == ["ĐẢNG", "BỘ", "PHƯỜNG", "BA"], text[:120]
    assert "Vận động phân loại rác" in text
    draft = assert_clean(resolution_file(conclusion, fmt), fmt, tmp_path, f"kết luận .{fmt}")
    assert "DỰ THẢO" in draft
    assert_clean(resolutions_book(cast.cell, 2025, fmt), fmt, tmp_path, f"sổ nghị quyết .{fmt}")


def test_the_printed_papers_of_a_meeting(cast, year_of_documents, as_user):
    minutes = year_of_documents[0]
    client = as_user(cast.leader_user)
    for name in ("meetings:print_invitations", "meetings:print_roll_call"):
        response = client.get(reverse(name, args=[minutes.meeting_id]))
        assert response.status_code == 200, name
        text = page_text(response.content.decode())
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and not leaked(text), (name, leaked(text))


@pytest.mark.parametrize("fmt", reports.FORMATS)
def test_the_period_report(cast, task_rules, fmt, tmp_path):  # noqa: F811
    build_scenario(cast, task_rules)
    facts.rebuild_month(MARCH)
    content = reports.build(cast.ward, periods.month(2025, 3), fmt, user=cast.staff)
    text = assert_clean(content, fmt, tmp_path, f"báo cáo .{fmt}")
    assert "Ba Đình" in text


def test_activation_slips(cast, tmp_path):
    make_member(cast.cell2, full_name="Phan Thanh Kiên", card_number="79000001")
    slips = accounts.accounts_create(org=cast.ward, by=cast.staff).created
    assert slips
    text = assert_clean(render_slips_pdf(slips), "pdf", tmp_path, "phiếu kích hoạt")
    assert "Phan Thanh Kiên" in text


def test_exports_and_import_templates(cast, year_of_documents, tmp_path):
    content, rows = export_data(kind=ALL, filename="tat-ca.xlsx", org=cast.ward, user=cast.staff)
    assert rows > 0
    assert "Lê Văn An" in assert_clean(content, "xlsx", tmp_path, "xuất tất cả .xlsx")
    for kind in KINDS:
        content, _rows = export_data(kind=kind, filename=f"{kind}.csv", org=cast.ward, user=cast.staff)
        assert_clean(content, "csv", tmp_path, f"xuất {kind} .csv")
    assert_clean(import_template(ALL), "xlsx", tmp_path, "mẫu nhập")
