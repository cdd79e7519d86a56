"""Resolutions and conclusions as party documents: DOCX (python-docx) and PDF (WeasyPrint).

The same layout as the minutes (chibo.meetings.documents, whose helpers this module reuses): the header
with the upper committee, the cell and the number on the left, "ĐẢNG CỘNG SẢN VIỆT NAM" with the place
and date on the right, the title, the situation of the meeting, the four sections, the vote and the
signature "T/M CHI BỘ / BÍ THƯ" beside the recipients ("Nơi nhận").
"""

import re
from dataclasses import dataclass

from django.template.loader import render_to_string

from chibo.audit.models import Action
from chibo.audit.services import audit_log
from chibo.meetings.documents import (
    CONTENT_TYPES,
    DRAFT,
    FORMATS,
    PARTY,
    PDF,
    Block,
    BookCover,
    Signature,
    _cell_para,
    _docx_blocks,
    _para,
    _two_columns,
    body_blocks,
    date_line,
    docx_book,
    docx_cover,
    locality,
)
from chibo.meetings.models import MeetingKind
from chibo.meetings.services.minutes import local_dt, meeting_date, percent
from chibo.members.models import PositionKind
from chibo.members.selectors import positions_on
from chibo.orgs.models import Organisation
from chibo.resolutions.models import Resolution, ResolutionKind, ResolutionStatus
from chibo.resolutions.rules import NUMBER_SUFFIX

__all__ = ["CONTENT_TYPES", "FORMATS", "resolution_file", "resolution_filename", "resolutions_book"]

SECTIONS = (
    ("results", "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG TRƯỚC"),
    ("direction", "II. PHƯƠNG HƯỚNG, NHIỆM VỤ THÁNG TỚI"),
    ("assignments", "III. PHÂN CÔNG NHIỆM VỤ"),
    ("self_assessment", "IV. TỰ ĐÁNH GIÁ CHẤT LƯỢNG BUỔI SINH HOẠT"),
)


@dataclass
class Section:
    heading: str
    blocks: list[Block]


@dataclass
class ResolutionDocument:
    upper_name: str
    cell_name: str
    number: str
    place_date: str
    title: str
    subtitle: str
    draft: bool
    opening: str
    preamble: list[Block]
    decides: str
    sections: list[Section]
    vote_line: str
    status_note: str
    recipients: list[str]
    signature: Signature

    @property
    def text(self) -> str:
        """Everything the document says, in reading order (used by tests)."""
        parts = [self.upper_name, self.cell_name, self.number, PARTY, self.place_date]
        parts += [DRAFT] if self.draft else []
        parts += [self.title, self.subtitle, self.opening, *(b.text for b in self.preamble), self.decides]
        for s in self.sections:
            parts += [s.heading, *(b.text for b in s.blocks)]
        parts += [self.vote_line, self.status_note, "Nơi nhận:", *self.recipients]
        parts += [*self.signature.titles, self.signature.name]
        return "\n".join(p for p in parts if p)


def resolution_title(resolution: Resolution) -> str:
    """'NGHỊ QUYẾT SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 3 NĂM 2025', 'KẾT LUẬN SINH HOẠT CHUYÊN ĐỀ QUÝ I NĂM 2025'."""
    meeting = resolution.meeting
    day = meeting_date(meeting)
    head = resolution.get_kind_display().upper()
    if meeting.kind == MeetingKind.THEMATIC:
        quarter = ("I", "II", "III", "IV")[(day.month - 1) // 3]
        return f"{head} SINH HOẠT CHUYÊN ĐỀ QUÝ {quarter} NĂM {day.year}"
    return f"{head} SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG {day.month} NĂM {day.year}"


def _number(resolution: Resolution) -> str:
    # A draft has no number yet: leave the blank the cell fills in by hand, as on paper.
    return f"Số {resolution.number}" if resolution.number else f"Số …{NUMBER_SUFFIX[resolution.kind]}"


def _vote_line(resolution: Resolution) -> str:
    vote = resolution.vote
    label = resolution.get_kind_display()
    if vote is None:
        if resolution.kind == ResolutionKind.CONCLUSION:
            return ""
        return f"{label} chưa được ghi kết quả biểu quyết."
    verdict = "được thông qua" if vote.passed else "không được thông qua"
    return (
        f"{label} {verdict} với {vote.in_favour}/{vote.entitled} đảng viên có quyền biểu quyết tán thành "
        f"({percent(vote.in_favour, vote.entitled)}); {vote.against} không tán thành; "
        f"{vote.abstain} không biểu quyết."
    )


def _signature(resolution: Resolution) -> Signature:
    """The chair when they are the cell's secretary (or deputy) that day, else the cell's secretary, else
    its deputy; a cell without either is signed by the chair."""
    meeting = resolution.meeting
    holders: dict[str, list] = {}
    for p in positions_on(resolution.cell, resolution.issued_on).order_by("-valid_from", "pk"):
        holders.setdefault(p.kind, []).append(p.member)
    chair = meeting.chair
    for kind, title in ((PositionKind.SECRETARY, "BÍ THƯ"), (PositionKind.DEPUTY, "PHÓ BÍ THƯ")):
        if chair is not None and any(m.pk == chair.pk for m in holders.get(kind, [])):
            return Signature(["T/M CHI BỘ", title], chair.full_name)
    for kind, title in ((PositionKind.SECRETARY, "BÍ THƯ"), (PositionKind.DEPUTY, "PHÓ BÍ THƯ")):
        if holders.get(kind):
            return Signature(["T/M CHI BỘ", title], holders[kind][0].full_name)
    return Signature(["T/M CHI BỘ", "CHỦ TRÌ"], chair.full_name if chair else "")


def _upper_title(cell: Organisation) -> str:
    name = cell.parent.name if cell.parent_id else ""
    return re.sub(r"^Đảng bộ", "Đảng ủy", name) if name else ""


def resolution_document(resolution: Resolution) -> ResolutionDocument:
    meeting, cell = resolution.meeting, resolution.cell
    day = meeting_date(meeting)
    draft = resolution.status != ResolutionStatus.APPROVED
    label = resolution.get_kind_display()
    kind_text = (
        f"sinh hoạt chuyên đề quý {('I', 'II', 'III', 'IV')[(day.month - 1) // 3]} năm {day.year}"
        if meeting.kind == MeetingKind.THEMATIC
        else f"sinh hoạt thường kỳ tháng {day.month} năm {day.year}"
    )
    opening = f"Ngày {day:%d/%m/%Y}, {cell.name} tiến hành {kind_text}."
    note = f"{label} đang là dự thảo, chưa được chi bộ thông qua." if draft else ""
    upper = _upper_title(cell)
    recipients = [f"- {upper} (để báo cáo)," if upper else "", "- Đảng viên trong chi bộ,", "- Lưu chi bộ."]
    return ResolutionDocument(
        upper_name=cell.parent.name.upper() if cell.parent_id else "",
        cell_name=cell.name.upper(),
        number=_number(resolution),
        place_date=date_line(locality(cell), resolution.issued_on),
        title=resolution_title(resolution),
        subtitle=f"Chuyên đề: {meeting.topic}"
        if meeting.kind == MeetingKind.THEMATIC and meeting.topic
        else "",
        draft=draft,
        opening=opening,
        preamble=body_blocks(resolution.preamble),
        decides="CHI BỘ QUYẾT NGHỊ" if resolution.kind == ResolutionKind.RESOLUTION else "CHI BỘ KẾT LUẬN",
        sections=[Section(heading, body_blocks(getattr(resolution, name))) for name, heading in SECTIONS],
        vote_line=_vote_line(resolution),
        status_note=note,
        recipients=[r for r in recipients if r],
        signature=_signature(resolution),
    )


def _load(resolution_pk: int) -> Resolution:
    return _with_related(Resolution.objects.filter(pk=resolution_pk)).get()


def _with_related(queryset):
    return queryset.select_related("cell__parent", "meeting__chair", "vote")


# --- PDF (WeasyPrint) -------------------------------------------------------------------------------


def render_pdf(docs: list[ResolutionDocument], *, cover: BookCover | None = None) -> bytes:
    from weasyprint import HTML  # heavy import: only when a PDF is asked for

    html = render_to_string("resolutions/pdf.html", {"docs": docs, "cover": cover, "party": PARTY})
    return HTML(string=html).write_pdf()


# --- DOCX (python-docx) ----------------------------------------------------------------------------


def _docx_document(document, doc: ResolutionDocument) -> None:
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
    _para(document, "-----", align="center", after=6)
    _para(document, doc.opening, align="justify")
    _docx_blocks(document, doc.preamble)
    _para(document, doc.decides, bold=True, align="center", before=12, after=6)
    for section in doc.sections:
        _para(document, section.heading, bold=True, before=6)
        _docx_blocks(document, section.blocks)
    if doc.vote_line:
        _para(document, doc.vote_line, italic=True, align="justify", before=6)
    if doc.status_note:
        _para(document, doc.status_note, italic=True, before=6)
    recipients, sign = _two_columns(document, (8.25, 8.25))
    _cell_para(recipients, True, "Nơi nhận:", italic=True, underline=True, before=12, after=0, size=12)
    for line in doc.recipients:
        _cell_para(recipients, False, line, after=0, size=11)
    for i, title in enumerate(doc.signature.titles):
        _cell_para(sign, i == 0, title, bold=True, align="center", after=0, before=12 if i == 0 else 0)
    _cell_para(sign, False, doc.signature.name, bold=True, align="center", before=60)


def _docx_cover(document, cover: BookCover) -> None:
    docx_cover(
        document,
        cover,
        title="SỔ NGHỊ QUYẾT, KẾT LUẬN CỦA CHI BỘ",
        heading="Danh mục nghị quyết, kết luận",
        number_label="Số",
    )


def render_docx(docs: list[ResolutionDocument], *, cover: BookCover | None = None) -> bytes:
    write_cover = (lambda document: _docx_cover(document, cover)) if cover is not None else None
    return docx_book(docs, write_document=_docx_document, write_cover=write_cover)


# --- entry points ---------------------------------------------------------------------------------


def resolution_file(resolution: Resolution, fmt: str) -> bytes:
    doc = resolution_document(_load(resolution.pk))
    return render_pdf([doc]) if fmt == PDF else render_docx([doc])


def resolution_filename(resolution: Resolution, fmt: str) -> str:
    """'nghi-quyet-05-NQ-CB-BD-01.docx'; a draft without a number is named by its date."""
    stem = "ket-luan" if resolution.kind == ResolutionKind.CONCLUSION else "nghi-quyet"
    code = re.sub(r"[^A-Za-z0-9-]+", "-", resolution.cell.code).strip("-")
    if resolution.number:
        number = re.sub(r"[^A-Za-z0-9-]+", "-", resolution.number).strip("-")
        return f"{stem}-{number}-{code}.{fmt}"
    return f"{stem}-du-thao-{code}-{resolution.issued_on:%Y-%m-%d}.{fmt}"


def resolution_export_logged(*, resolution: Resolution, by) -> None:
    """Resolutions name members and their tasks: who downloaded one is logged, as for minutes."""
    audit_log(user=by, action=Action.EXPORT, obj=resolution, org_path=resolution.cell.path)


def resolutions_of_year(cell: Organisation, year: int):
    return _with_related(Resolution.objects.filter(cell=cell, year=year)).order_by(
        "issued_on", "meeting__scheduled_at", "pk"
    )


def book_parts(cell: Organisation, year: int) -> tuple[BookCover, list[ResolutionDocument]]:
    docs, entries = [], []
    for resolution in resolutions_of_year(cell, year):
        docs.append(resolution_document(resolution))
        status = (
            f"Đã thông qua {local_dt(resolution.approved_at)[:10]}"
            if resolution.status == ResolutionStatus.APPROVED and resolution.approved_at
            else resolution.get_status_display()
        )
        entries.append(
            (
                resolution.issued_on.strftime("%d/%m/%Y"),
                resolution.get_kind_display(),
                resolution.number or "—",
                status,
            )
        )
    upper = cell.parent.name.upper() if cell.parent_id else ""
    return BookCover(upper, cell.name.upper(), year, entries), docs


def resolutions_book(cell: Organisation, year: int, fmt: str) -> bytes:
    cover, docs = book_parts(cell, year)
    return render_pdf(docs, cover=cover) if fmt == PDF else render_docx(docs, cover=cover)
