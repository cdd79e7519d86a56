"""Minutes as party documents: DOCX (python-docx) and PDF (WeasyPrint), one layout for both.

Layout of a party document: top left the upper committee and the cell with the number, top right
"ĐẢNG CỘNG SẢN VIỆT NAM" underlined with the place and date in italics below, the title, the body,
then the minute-taker's and the chair's signature blocks. Amendments follow the signatures.
"""

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from chibo.common.people import person_name
from chibo.meetings.models import Meeting, MeetingKind, Minutes, MinutesStatus
from chibo.meetings.services.minutes import (
    local_dt,
    meeting_date,
    meetings_held_in,
    minutes_title,
)
from chibo.members.models import PositionKind
from chibo.members.selectors import positions_on
from chibo.orgs.models import Organisation

PDF, DOCX = "pdf", "docx"
FORMATS = (PDF, DOCX)
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
DRAFT = "DỰ THẢO"
# Party documents are set in Times New Roman; LibreOffice and WeasyPrint fall back to Noto Serif.
DOCX_FONT = "Times New Roman"

# --- the body: structured plain text -> blocks --------------------------------------------------------

_HEADING = re.compile(r"^[IVXLC]+\.\s")
_STEP = re.compile(r"^\d+\.\s")


@dataclass(frozen=True)
class Block:
    kind: str  # heading | step | item | sub | para | gap
    text: str


def body_blocks(text: str) -> list[Block]:
    """'I. …' headings, '1. …' steps, '- …' items, indented or '+ …' lines under them, paragraphs."""
    blocks: list[Block] = []
    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            if blocks and blocks[-1].kind != "gap":
                blocks.append(Block("gap", ""))
            continue
        if line[0].isspace() or stripped.startswith("+ "):
            blocks.append(Block("sub", stripped))
        elif _HEADING.match(stripped):
            blocks.append(Block("heading", stripped))
        elif _STEP.match(stripped):
            blocks.append(Block("step", stripped))
        elif stripped.startswith("- "):
            blocks.append(Block("item", stripped))
        else:
            blocks.append(Block("para", stripped))
    while blocks and blocks[-1].kind == "gap":
        blocks.pop()
    return blocks


# --- what a document shows ------------------------------------------------------------------------

_PARTY_PREFIX = re.compile(r"^(đảng bộ|đảng ủy|đảng uỷ|chi bộ)\s+(cơ sở\s+|bộ phận\s+)?", re.IGNORECASE)
_PLACE_PREFIX = re.compile(
    r"^(phường|xã|thị trấn|thị xã|quận|huyện|thành phố|tỉnh|đặc khu)\s+", re.IGNORECASE
)


def locality(cell: Organisation) -> str:
    """The place in the date line: 'Ba Đình' from the nearest ancestor named after a commune, ward,
    district or province ('Đảng bộ phường Ba Đình'); else the upper committee's name without 'Đảng bộ'."""
    ancestors = list(cell.ancestors(include_self=False).order_by("-depth"))
    for org in ancestors:
        rest = _PARTY_PREFIX.sub("", org.name.strip())
        match = _PLACE_PREFIX.match(rest)
        if match and rest[match.end() :].strip():
            return rest[match.end() :].strip()
    if ancestors:
        return _PARTY_PREFIX.sub("", ancestors[0].name.strip()) or ancestors[0].name
    return ""


def date_line(place: str, day: dt.date) -> str:
    """'Ba Đình, ngày 05 tháng 3 năm 2025': days below 10 and months 1–2 take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text[0].upper() + text[1:]


@dataclass
class Signature:
    titles: list[str]
    name: str


@dataclass
class AmendmentView:
    number: int
    at: str
    by: str
    reason: str
    blocks: list[Block]


@dataclass
class MinutesDocument:
    upper_name: str
    cell_name: str
    number: str
    place_date: str
    title: str
    subtitle: str
    draft: bool
    blocks: list[Block]
    status_note: str
    left: Signature
    right: Signature
    amendments: list[AmendmentView] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Everything the document says, in reading order (used by tests and the book's contents)."""
        parts = [self.upper_name, self.cell_name, self.number, PARTY, self.place_date]
        parts += [DRAFT] if self.draft else []
        parts += [self.title, self.subtitle, *(b.text for b in self.blocks), self.status_note]
        parts += [*self.left.titles, self.left.name, *self.right.titles, self.right.name]
        for a in self.amendments:
            parts += [a.reason, *(b.text for b in a.blocks)]
        return "\n".join(p for p in parts if p)


def _user_name(user) -> str:
    return person_name(user)


def _chair_signature(meeting: Meeting) -> Signature:
    """'T/M CHI BỘ / BÍ THƯ' when the chair is the cell's secretary (or deputy) that day, else 'CHỦ TRÌ'."""
    chair = meeting.chair
    name = chair.full_name if chair else ""
    if chair is not None:
        kinds = {p.kind for p in positions_on(meeting.cell, meeting_date(meeting)).filter(member=chair)}
        if PositionKind.SECRETARY in kinds:
            return Signature(["T/M CHI BỘ", "BÍ THƯ"], name)
        if PositionKind.DEPUTY in kinds:
            return Signature(["T/M CHI BỘ", "PHÓ BÍ THƯ"], name)
    return Signature(["CHỦ TRÌ"], name)


def _heading(meeting: Meeting) -> tuple[str, str]:
    cell = meeting.cell
    upper = cell.parent.name.upper() if cell.parent_id else ""
    return upper, cell.name.upper()


def minutes_document(minutes: Minutes) -> MinutesDocument:
    meeting = minutes.meeting
    upper, cell_name = _heading(meeting)
    draft = minutes.status != MinutesStatus.APPROVED
    if draft:
        note = "Biên bản đang là dự thảo, chưa được chi bộ thông qua."
    else:
        note = f"Biên bản đã được chi bộ thông qua lúc {local_dt(minutes.approved_at)}."
    amendments = [
        AmendmentView(
            number=i,
            at=local_dt(a.created_at),
            by=_user_name(a.created_by),
            reason=a.reason,
            blocks=body_blocks(a.text),
        )
        for i, a in enumerate(
            minutes.amendments.select_related("created_by__member").order_by("created_at", "pk"), 1
        )
    ]
    subtitle = f"Chuyên đề: {meeting.topic}" if meeting.kind == MeetingKind.THEMATIC and meeting.topic else ""
    return MinutesDocument(
        upper_name=upper,
        cell_name=cell_name,
        number=f"Số: {minutes.number}" if minutes.number else "Số: …",
        place_date=date_line(locality(meeting.cell), meeting_date(meeting)),
        title=minutes_title(meeting),
        subtitle=subtitle,
        draft=draft,
        blocks=body_blocks(minutes.body),
        status_note=note,
        left=Signature(["THƯ KÝ"], meeting.minute_taker.full_name if meeting.minute_taker else ""),
        right=_chair_signature(meeting),
        amendments=amendments,
    )


def _load_minutes(meeting: Meeting) -> Minutes | None:
    return (
        Minutes.objects.select_related(
            "meeting__cell__parent", "meeting__chair", "meeting__minute_taker", "meeting__rule_set"
        )
        .filter(meeting=meeting)
        .first()
    )


def missing_document(meeting: Meeting) -> MinutesDocument:
    """A page for a held meeting without minutes, so the book still lists every meeting."""
    upper, cell_name = _heading(meeting)
    return MinutesDocument(
        upper_name=upper,
        cell_name=cell_name,
        number="Số: …",
        place_date=date_line(locality(meeting.cell), meeting_date(meeting)),
        title=minutes_title(meeting),
        subtitle="",
        draft=True,
        blocks=[
            Block("para", f"Buổi sinh hoạt ngày {local_dt(meeting.started_at or meeting.scheduled_at)}"),
            Block("para", "Chưa lập biên bản."),
        ],
        status_note="",
        left=Signature(["THƯ KÝ"], ""),
        right=Signature(["CHỦ TRÌ"], ""),
    )


@dataclass
class BookCover:
    upper_name: str
    cell_name: str
    year: int
    entries: list[tuple[str, str, str, str]]  # date, kind, number, status


def book_parts(cell: Organisation, year: int) -> tuple[BookCover, list[MinutesDocument]]:
    docs, entries = [], []
    for meeting in meetings_held_in(cell, year).select_related("cell__parent", "chair", "minute_taker"):
        minutes = _load_minutes(meeting)
        doc = minutes_document(minutes) if minutes else missing_document(meeting)
        docs.append(doc)
        if minutes is None:
            status = "Chưa lập biên bản"
        elif minutes.status == MinutesStatus.APPROVED:
            count = len(doc.amendments)
            status = "Đã thông qua" + (f", {count} đính chính" if count else "")
        else:
            status = "Dự thảo"
        entries.append(
            (
                meeting_date(meeting).strftime("%d/%m/%Y"),
                meeting.get_kind_display(),
                minutes.number if minutes and minutes.number else "—",
                status,
            )
        )
    upper = cell.parent.name.upper() if cell.parent_id else ""
    return BookCover(upper, cell.name.upper(), year, entries), docs


# --- PDF (WeasyPrint) -------------------------------------------------------------------------------


def render_pdf(docs: list[MinutesDocument], *, cover: BookCover | None = None) -> bytes:
    from weasyprint import HTML  # heavy import: only when a PDF is asked for

    html = render_to_string("meetings/minutes/pdf.html", {"docs": docs, "cover": cover, "party": PARTY})
    return HTML(string=html).write_pdf()


# --- DOCX (python-docx) ----------------------------------------------------------------------------


def _docx_setup():
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = DOCX_FONT
    normal.font.size = Pt(13)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), DOCX_FONT)
    normal.paragraph_format.space_after = Pt(3)
    return document


def _para(
    container, text: str = "", *, bold=False, italic=False, underline=False, align=None, size=None, **fmt
):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    aligns = {"center": WD_ALIGN_PARAGRAPH.CENTER, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
    paragraph = container.add_paragraph()
    if align:
        paragraph.alignment = aligns[align]
    paragraph.paragraph_format.space_after = Pt(fmt.get("after", 3))
    if "before" in fmt:
        paragraph.paragraph_format.space_before = Pt(fmt["before"])
    if "indent" in fmt:
        paragraph.paragraph_format.left_indent = Pt(fmt["indent"])
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
        if fmt.get("color"):
            from docx.shared import RGBColor

            run.font.color.rgb = RGBColor.from_string(fmt["color"])
    return paragraph


def _cell_para(cell, first: bool, text: str, **kw):
    """Table cells start with one empty paragraph: use it for the first line."""
    if first:
        paragraph = cell.paragraphs[0]
        cell._element.remove(paragraph._element)
    return _para(cell, text, **kw)


def _two_columns(document, widths_cm=(7.5, 9.0), rows: int = 1):
    """A borderless two-column table (the template's default table style has no borders)."""
    from docx.shared import Cm

    table = document.add_table(rows=rows, cols=2)
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)
    cells = [row.cells for row in table.rows]
    return cells[0] if rows == 1 else cells


def _docx_blocks(document, blocks: list[Block]) -> None:
    for block in blocks:
        if block.kind == "gap":
            _para(document, after=2)
        elif block.kind == "heading":
            _para(document, block.text, bold=True, before=6)
        elif block.kind == "step":
            _para(document, block.text, bold=True, align="justify")
        elif block.kind == "sub":
            _para(document, block.text, align="justify", indent=18)
        else:
            _para(document, block.text, align="justify")


def _docx_document(document, doc: MinutesDocument) -> None:
    left, right = _two_columns(document)
    _cell_para(left, True, doc.upper_name, align="center", after=0)
    _cell_para(left, False, doc.cell_name, bold=True, align="center", after=0)
    _cell_para(left, False, "*", align="center", after=0)
    _cell_para(left, False, doc.number, align="center", after=0)
    _cell_para(right, True, PARTY, bold=True, underline=True, align="center", after=6)
    _cell_para(right, False, doc.place_date, italic=True, align="center", after=0)
    if doc.draft:
        _para(document, DRAFT, bold=True, align="center", before=12, after=0, color="B3121B")
    _para(document, doc.title, bold=True, align="center", size=14, before=18, after=2)
    if doc.subtitle:
        _para(document, doc.subtitle, bold=True, align="center", after=2)
    _para(document, after=6)
    _docx_blocks(document, doc.blocks)
    if doc.status_note:
        _para(document, doc.status_note, italic=True, before=6)
    # Titles in one row and names in the next, so both names sit on one line whatever the titles.
    titles, names = _two_columns(document, (8.25, 8.25), rows=2)
    for title_cell, name_cell, sign in ((titles[0], names[0], doc.left), (titles[1], names[1], doc.right)):
        for i, title in enumerate(sign.titles):
            _cell_para(
                title_cell, i == 0, title, bold=True, align="center", after=0, before=12 if i == 0 else 0
            )
        _cell_para(name_cell, True, sign.name, bold=True, align="center", before=60)
    if doc.amendments:
        _para(document, "ĐÍNH CHÍNH BIÊN BẢN", bold=True, align="center", before=18)
        for a in doc.amendments:
            by = f", người lập: {a.by}" if a.by else ""
            _para(document, f"Đính chính lần {a.number} ({a.at}{by}). Lý do: {a.reason}", bold=True, before=6)
            _docx_blocks(document, a.blocks)


def docx_cover(
    document, cover: BookCover, *, title: str, heading: str, number_label: str, empty: str = ""
) -> None:
    """The cover page of a yearly book (minutes, resolutions) with its list of contents."""
    _para(document, cover.upper_name, align="center", after=0)
    _para(document, cover.cell_name, bold=True, align="center", after=0)
    _para(document, "*", align="center", after=0)
    _para(document, PARTY, bold=True, underline=True, align="center", before=24)
    _para(document, title, bold=True, align="center", size=18, before=96)
    _para(document, cover.cell_name, bold=True, align="center", size=14)
    _para(document, f"NĂM {cover.year}", bold=True, align="center", size=14, after=36)
    _para(document, heading, bold=True, before=24)
    if not cover.entries:
        if empty:
            _para(document, empty, italic=True)
        return
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ["STT", "Ngày", "Loại", number_label, "Tình trạng"], strict=True
    ):
        _cell_para(cell, True, text, bold=True, after=0)
    for i, entry in enumerate(cover.entries, 1):
        for cell, text in zip(table.add_row().cells, [str(i), *entry], strict=True):
            _cell_para(cell, True, text, after=0)


def _docx_cover(document, cover: BookCover) -> None:
    docx_cover(
        document,
        cover,
        title="SỔ BIÊN BẢN SINH HOẠT CHI BỘ",
        heading="Danh mục các buổi sinh hoạt",
        number_label="Số biên bản",
        empty="Chi bộ không có buổi sinh hoạt nào đã họp trong năm.",
    )


def docx_book(docs, *, write_document, write_cover=None) -> bytes:
    """One DOCX of party documents, each on its own page, after an optional cover (`write_cover(document)`)."""
    document = _docx_setup()
    # The template's first, empty paragraph would push the header down a line.
    body = document.element.body
    for p in list(body.iterchildren()):
        if p.tag.endswith("}p"):
            body.remove(p)
    first = True
    if write_cover is not None:
        write_cover(document)
        first = False
    for doc in docs:
        if not first:
            document.add_page_break()
        write_document(document, doc)
        first = False
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_docx(docs: list[MinutesDocument], *, cover: BookCover | None = None) -> bytes:
    write_cover = (lambda document: _docx_cover(document, cover)) if cover is not None else None
    return docx_book(docs, write_document=_docx_document, write_cover=write_cover)


# --- entry points ---------------------------------------------------------------------------------


def minutes_file(minutes: Minutes, fmt: str) -> bytes:
    doc = minutes_document(_load_minutes(minutes.meeting) or minutes)
    return render_pdf([doc]) if fmt == PDF else render_docx([doc])


def minutes_filename(minutes: Minutes, fmt: str) -> str:
    day = meeting_date(minutes.meeting)
    return f"bien-ban-{minutes.meeting.cell.code}-{day:%Y-%m-%d}.{fmt}"


def minutes_book(cell: Organisation, year: int, fmt: str) -> bytes:
    cover, docs = book_parts(cell, year)
    return render_pdf(docs, cover=cover) if fmt == PDF else render_docx(docs, cover=cover)
