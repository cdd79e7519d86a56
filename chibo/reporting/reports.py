"""Report files of the Đề án 11 indicators for one organisation and one period: an Excel workbook
(openpyxl) and a Word draft of the periodic report (python-docx) in party-document layout.

`collect` gathers everything a file shows (indicators, targets, direct child units, what to fix); the
two renderers only lay it out. The numbers come from the fact tables after `engine.ensure_fresh`, so a
file equals the dashboard of the same moment.
"""

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from chibo.common.dates import fmt, month_end, today
from chibo.common.spreadsheet import xlsx_sheet_text
from chibo.orgs.access import orgs_visible_to
from chibo.orgs.models import Organisation, OrgKind
from chibo.reporting import engine, facts, fixes, targets
from chibo.reporting import progress as month_progress
from chibo.reporting.indicators import KEYS, Indicator, denominator_unit, fmt_percent
from chibo.reporting.models import Plan
from chibo.reporting.periods import Period

XLSX, DOCX = "xlsx", "docx"
FORMATS = (XLSX, DOCX)
CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
STATUS_WORDS = {"met": "Đạt", "close": "Gần đạt", "far": "Chưa đạt", "pending": "Chưa đến hạn"}
PLACEHOLDER = "[Cấp ủy bổ sung: {}]"
PLACEHOLDER_COLOR = "B3121B"  # red, like the DỰ THẢO mark: the committee sees at once what to write
TABLE_WIDTHS_CM = (1.1, 6.3, 3.2, 1.8, 1.8, 2.3)  # 16.5 cm: the text width of an A4 party document

Progress = Callable[[int, str], None]


def _no_progress(percent: int, step: str) -> None:
    pass


# --- what a report shows ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    key: str
    code: str  # T1..T6, or "" for the indicators the Đề án does not number
    indicator: Indicator
    own_target: Decimal | None
    city_target: Decimal | None
    summed: tuple[int, int] = (1, 1)  # Period.summed: what the denominator counts
    progress: month_progress.Progress | None = None  # the month in progress, when the period has it

    @property
    def label(self) -> str:
        return self.indicator.label

    @property
    def unit(self) -> str:
        """'chi bộ' for a month, 'lượt chi bộ-tháng' for a quarter or a year."""
        return denominator_unit(self.key, *self.summed)

    @property
    def fraction(self) -> str:
        return f"{self.indicator.numerator}/{self.indicator.denominator} {self.unit}"

    @property
    def status(self) -> str:
        return month_progress.judged_status(self.indicator, self.own_target, self.progress)

    @property
    def status_words(self) -> str:
        if self.indicator.denominator == 0:
            return "Chưa có số liệu"
        if self.own_target is None:
            return "Chưa đặt mục tiêu"
        code = self.status
        return STATUS_WORDS[code] if code != "none" else "Chưa có số liệu"


@dataclass
class FixSheet:
    """One "what to fix" list (fixes.py): a sheet of the workbook and a sentence of the Word draft."""

    sheet: str  # sheet name (Excel allows 31 characters)
    title: str
    headers: list[str]
    rows: list[list]
    sentence: str  # "{n}" is replaced by `count`; used only when there are rows
    count: int
    names: list[str] = field(default_factory=list)  # codes of the cells concerned, named in the sentence


@dataclass
class ReportData:
    org: Organisation
    period: Period
    made_on: dt.date
    rows: list[IndicatorRow]
    children: list[tuple[Organisation, dict[str, Indicator]]]
    fixes: list[FixSheet]
    plan: Plan | None
    cells: int
    members: int
    working: int


def _read_day(period: Period) -> dt.date:
    """The day the period is read at: its last day, or today for a period still running."""
    return min(month_end(period.last.year, period.last.month), today())


def _children(org: Organisation, period: Period, user) -> list[tuple[Organisation, dict[str, Indicator]]]:
    """Direct child units the user may see that count in the period: active on its (read) last day, or
    with cells in its facts (a unit dissolved during a year still shows its months)."""
    orgs = orgs_visible_to(user) if user is not None else Organisation.objects.all()
    children = list(orgs.filter(parent=org).order_by("path"))
    by_pk = engine.children_from_facts(children, period)
    day = _read_day(period)
    out = []
    for child in children:
        indicators = by_pk[child.pk]
        if child.is_active_on(day) or indicators["regular_meeting_rate"].denominator:
            out.append((child, indicators))
    return out


def _members(org: Organisation, day: dt.date) -> int:
    cell_ids = list(Organisation.objects.subtree_of(org).cells().active_on(day).values_list("pk", flat=True))
    if not cell_ids:
        return 0
    roster = facts.roster_at(day, cell_ids)
    return len(set().union(*roster.values())) if roster else 0


def collect(org: Organisation, period: Period, *, user=None, progress: Progress = _no_progress) -> ReportData:
    progress(2, "Cập nhật số liệu")
    engine.ensure_fresh(org, period)
    indicators = engine.from_facts(org, period)
    own, city, plan = targets.targets_for(org, period)
    summed = period.summed(today())
    progress_by_unit = month_progress.for_period(org, [], period)
    unit_progress = progress_by_unit[org.pk] if progress_by_unit else None
    rows = [
        IndicatorRow(key, KEYS[key][3], indicators[key], own.get(key), city.get(key), summed, unit_progress)
        for key in KEYS
    ]
    day = _read_day(period)
    last_month = day.replace(day=1)
    counts = engine.org_month_counts([org.pk], [last_month]).get((org.pk, last_month), {})
    progress(10, "Đã tính các chỉ tiêu; đang tính các đơn vị trực thuộc")
    children = _children(org, period, user)
    progress(60, "Đã tính các đơn vị trực thuộc; đang lập danh sách việc cần khắc phục")
    fix_list = fix_sheets(org, period)
    progress(85, "Đang lập tệp báo cáo")
    return ReportData(
        org=org,
        period=period,
        made_on=today(),
        rows=rows,
        children=children,
        fixes=fix_list,
        plan=plan,
        cells=counts.get("cells", 0),
        members=_members(org, day),
        working=counts.get("task_members", 0),
    )


# --- what to fix (the lists of fixes.py, laid out as sheets and sentences) -------------------------


def _month(day: dt.date) -> str:
    return f"{day.month:02d}/{day.year}"


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    # Excel has no time zones: the local wall time is what the user expects to read.
    return None if moment is None else timezone.localtime(moment).replace(tzinfo=None)


def _cell_cols(cell: Organisation) -> list:
    return [cell.code, cell.name]


def _names(members) -> str:
    return ", ".join(m.full_name for m in members or ())


# code → (sheet name, column headers, row → cells, sentence with {n} for the Word draft, count of a row)
_LAYOUTS: dict[str, tuple[str, list[str], Callable, str, Callable]] = {
    "chua-sinh-hoat": (
        "Chưa sinh hoạt thường kỳ",
        ["Tháng", "Mã chi bộ", "Tên chi bộ", "Ghi chú"],
        lambda r: [_month(r.month), *_cell_cols(r.cell), r.note],
        "{n} lượt chi bộ chưa tổ chức sinh hoạt thường kỳ trong tháng",
        lambda r: 1,
    ),
    "du-hop-duoi-90": (
        "Dự sinh hoạt dưới 90%",
        ["Tháng", "Mã chi bộ", "Tên chi bộ", "Có mặt", "Phải dự", "Tỷ lệ"],
        lambda r: [_month(r.month), *_cell_cols(r.cell), r.present, r.required, r.present / r.required],
        "{n} lượt chi bộ có tỷ lệ đảng viên dự sinh hoạt thường kỳ dưới 90%",
        lambda r: 1,
    ),
    "thieu-buoc-tai-lieu": (
        "Thiếu bước, tài liệu muộn",
        [
            "Ngày sinh hoạt",
            "Mã chi bộ",
            "Tên chi bộ",
            "Bước bắt buộc chưa thực hiện",
            "Tài liệu gửi lúc",
            "Tài liệu muộn",
        ],
        lambda r: [
            _local(r.held_at),
            *_cell_cols(r.cell),
            r.steps_text,
            _local(r.materials_published_at) or "Chưa gửi",
            "Có" if r.materials_late else "Không",
        ],
        "{n} buổi sinh hoạt thường kỳ thiếu bước bắt buộc hoặc gửi tài liệu muộn",
        lambda r: 1,
    ),
    "chua-giao-nhiem-vu": (
        "Chưa phân công nhiệm vụ",
        [
            "Tháng",
            "Mã chi bộ",
            "Tên chi bộ",
            "Chưa được phân công",
            "Đảng viên đang công tác",
            "Họ tên chưa được phân công",
        ],
        lambda r: [_month(r.month), *_cell_cols(r.cell), r.without_task, r.counted, _names(r.members)],
        "{n} lượt đảng viên đang công tác chưa được phân công nhiệm vụ cụ thể",
        lambda r: r.without_task,
    ),
    "chua-boi-duong": (
        "Cấp ủy chưa bồi dưỡng",
        ["Họ và tên", "Chức vụ", "Mã chi bộ", "Tên chi bộ", "Bồi dưỡng gần nhất", "Các tháng"],
        lambda r: [
            r.member.full_name,
            ", ".join(r.positions),
            *_cell_cols(r.cell),
            r.last_training or "Chưa bồi dưỡng",
            ", ".join(_month(m) for m in r.months),
        ],
        "{n} bí thư, phó bí thư, chi ủy viên chưa được bồi dưỡng nghiệp vụ công tác Đảng trong thời hạn",
        lambda r: 1,
    ),
    "bien-ban-tre-han": (
        "Biên bản trễ hạn",
        ["Ngày sinh hoạt", "Mã chi bộ", "Tên chi bộ", "Loại buổi sinh hoạt", "Hạn thông qua", "Tình trạng"],
        lambda r: [
            _local(r.held_at),
            *_cell_cols(r.cell),
            r.meeting.get_kind_display(),
            r.deadline,
            r.status_text,
        ],
        "{n} buổi sinh hoạt có biên bản chưa được thông qua đúng hạn",
        lambda r: 1,
    ),
    "xoa-ten": (
        "Có thể xóa tên",
        ["Họ và tên", "Mã chi bộ", "Tên chi bộ", "Các tháng vắng không lý do"],
        lambda r: [r.member.full_name, *_cell_cols(r.cell), ", ".join(map(str, r.months))],
        "{n} đảng viên vắng sinh hoạt không lý do trong 3 tháng của năm, thuộc diện xem xét xóa tên",
        lambda r: 1,
    ),
}


def _sheet_name(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31]


def _list_scope(code: str, period: Period) -> str:
    # Removal cases are counted over a calendar year (DOMAIN §5), whatever the period.
    return f"năm {period.first.year}" if code == "xoa-ten" else period.label


def fix_sheets(org: Organisation, period: Period) -> list[FixSheet]:
    """Every list of fixes.LISTS for the organisation and period (facts must be fresh: collect() sees to
    it). Each list reads a fixed number of queries, whatever the size of the subtree."""
    out = []
    for code, fix in fixes.LISTS.items():
        rows = fix.build(org, period)
        if code == "chua-giao-nhiem-vu":
            rows = fixes.with_member_names(rows)
        if code not in _LAYOUTS:  # a list added to the catalogue later still shows, plainly
            out.append(
                FixSheet(
                    _sheet_name(fix.title), fix.title, ["Nội dung"], [[str(r)] for r in rows], "", len(rows)
                )
            )
            continue
        sheet, headers, cells, sentence, weight = _LAYOUTS[code]
        cell_codes = [getattr(r, "cell", None) for r in rows]
        out.append(
            FixSheet(
                sheet=sheet,
                title=f"{fix.title}, {_list_scope(code, period)}",
                headers=headers,
                rows=[cells(r) for r in rows],
                sentence=sentence,
                count=sum(weight(r) for r in rows),
                names=list(dict.fromkeys(c.code for c in cell_codes if c is not None)),
            )
        )
    return out


# --- Excel ------------------------------------------------------------------------------------------

PERCENT = "0.0%"
DATE = "DD/MM/YYYY"
DATETIME = "DD/MM/YYYY HH:MM"
_WIDTHS = {
    "Tên chi bộ": 34,
    "Họ và tên": 26,
    "Họ tên chưa được phân công": 50,
    "Bước bắt buộc chưa thực hiện": 40,
    "Tình trạng": 30,
    "Ghi chú": 40,
    "Ngày sinh hoạt": 17,
    "Tài liệu gửi lúc": 17,
}


def _percent(value: Decimal | None) -> float | None:
    return None if value is None else float(value) / 100


def _sheet_setup(ws, widths: list[int], header_row: int) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    fill = PatternFill("solid", fgColor="E8EEF7")
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _print_setup(ws, title_rows: str) -> None:
    """A4 landscape, as wide as one page and as many pages down as needed, the header on every page:
    a committee prints these sheets for its meeting."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4


def _indicator_sheet(ws, data: ReportData) -> None:
    from openpyxl.styles import Font

    ws.title = "Chỉ tiêu"
    ws.append(["Kết quả thực hiện Đề án 11-ĐA/TU về nâng cao chất lượng sinh hoạt chi bộ"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["Tổ chức", f"{data.org.name} ({data.org.code})"])
    ws.append(["Kỳ báo cáo", data.period.label])
    plan = f"{data.plan} ({data.plan.owner.name})" if data.plan else "Chưa có kế hoạch riêng: theo Đề án 11"
    ws.append(["Mục tiêu của cấp ủy", plan])
    ws.append(["Lập ngày", data.made_on])
    ws["B5"].number_format = DATE
    ws.append([])
    header = 7
    ws.append(
        [
            "Mục tiêu Đề án",
            "Chỉ tiêu",
            "Tử số",
            "Mẫu số",
            "Tỷ lệ",
            "Mục tiêu của cấp ủy",
            "Mục tiêu của Thành ủy",
            "Đánh giá",
            "Mẫu số tính theo",
        ]
    )
    for row in data.rows:
        ind = row.indicator
        ws.append(
            [
                row.code,
                row.label,
                ind.numerator,
                ind.denominator,
                ind.value,
                _percent(row.own_target),
                _percent(row.city_target),
                row.status_words,
                row.unit,
            ]
        )
        for column in "EFG":
            ws[f"{column}{ws.max_row}"].number_format = PERCENT
    _sheet_setup(ws, [14, 52, 10, 10, 10, 14, 14, 16, 20], header)
    for cell in ws[2] + ws[3] + ws[4] + ws[5]:
        if cell.column == 1:
            cell.font = Font(bold=True)
    ws.freeze_panes = f"A{header + 1}"
    _print_setup(ws, f"{header}:{header}")


def _children_sheet(ws, data: ReportData) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    summed = data.period.summed(data.made_on)
    ws.append(["Mã", "Đơn vị"] + [c for key in KEYS for c in (_short(key), None, None)])
    # The denominator's unit: over a quarter or a year a cell counts once a month ("lượt chi bộ-tháng").
    ws.append(
        [None, None]
        + [c for key in KEYS for c in ("Tử số", f"Mẫu số ({denominator_unit(key, *summed)})", "Tỷ lệ")]
    )
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    for i in range(len(KEYS)):
        start = 3 + 3 * i
        ws.merge_cells(start_row=1, start_column=start, end_row=1, end_column=start + 2)
    for child, indicators in data.children:
        line = [child.code, child.name]
        for key in KEYS:
            ind = indicators[key]
            line += [ind.numerator, ind.denominator, ind.value]
        ws.append(line)
        for i in range(len(KEYS)):
            ws.cell(row=ws.max_row, column=5 + 3 * i).number_format = PERCENT
    if not data.children:
        ws.append(["", "Không có đơn vị trực thuộc."])
    _sheet_setup(ws, [12, 36] + [9] * 3 * len(KEYS), 1)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[1].height = 60
    ws.row_dimensions[2].height = 48
    for i in range(len(KEYS)):
        ws.cell(row=1, column=3 + 3 * i).alignment = Alignment(
            wrap_text=True, horizontal="center", vertical="center"
        )
    ws.freeze_panes = f"{get_column_letter(3)}3"
    _print_setup(ws, "1:2")


def _short(key: str) -> str:
    code = KEYS[key][3]
    return f"{code}. {KEYS[key][2]}" if code else KEYS[key][2]


def _fix_sheet(ws, fix: FixSheet) -> None:
    from openpyxl.styles import Font

    ws.append([fix.title])
    ws["A1"].font = Font(bold=True)
    ws.append(fix.headers)
    for row in fix.rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, float):
                cell.number_format = PERCENT
            elif isinstance(cell.value, dt.datetime):
                cell.number_format = DATETIME
            elif isinstance(cell.value, dt.date):
                cell.number_format = DATE
    if not fix.rows:
        ws.append(["Không có."])
    _sheet_setup(ws, [_WIDTHS.get(h, max(12, min(30, len(h) + 2))) for h in fix.headers], 2)
    ws.freeze_panes = "A3"
    _print_setup(ws, "1:2")


def general_situation(org: Organisation, day: dt.date, cells: int, members: int, working: int) -> str:
    """The report's first sentence, worded for the unit: a cell does not "have 1 cell"."""
    people = (
        f"{members} đảng viên (trong đó {working} đảng viên đang công tác, không được miễn sinh hoạt đảng)"
    )
    if org.kind == OrgKind.CELL:
        return f"Đến ngày {fmt(day)}, {org.name} có {people}."
    return f"Đến ngày {fmt(day)}, {org.name} có {cells} chi bộ, {people}."


def render_xlsx(data: ReportData) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    _indicator_sheet(wb.active, data)
    _children_sheet(wb.create_sheet("Đơn vị trực thuộc"), data)
    for fix in data.fixes:
        _fix_sheet(wb.create_sheet(fix.sheet[:31]), fix)
    for ws in wb.worksheets:
        xlsx_sheet_text(ws)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- Word (the periodic report, a draft for the committee to complete) -----------------------------

_PARTY_BODY = re.compile(r"^đảng bộ\s+", re.IGNORECASE)
_PLACE = re.compile(r"^(phường|xã|thị trấn|thị xã|quận|huyện|thành phố|tỉnh|đặc khu)\s+(.+)$", re.IGNORECASE)


def committee_name(org: Organisation) -> str:
    """The body that issues the report: 'Đảng ủy phường Ba Đình' for 'Đảng bộ phường Ba Đình'."""
    if org.kind == OrgKind.CELL:
        return org.name
    rest = _PARTY_BODY.sub("", org.name.strip())
    return f"Đảng ủy {rest}" if rest != org.name.strip() else org.name


def _place(org: Organisation) -> str:
    from chibo.meetings.documents import locality

    rest = re.sub(r"^(đảng bộ|đảng ủy|chi bộ)\s+(cơ sở\s+)?", "", org.name.strip(), flags=re.IGNORECASE)
    match = _PLACE.match(rest)
    return match.group(2).strip() if match else locality(org)


def _number_suffix(org: Organisation) -> str:
    if org.kind == OrgKind.CELL:
        return "CB"
    return "TU" if org.kind == OrgKind.CITY else "ĐU"


def _signature_titles(org: Organisation) -> list[str]:
    if org.kind == OrgKind.CELL:
        return ["T/M CHI BỘ", "BÍ THƯ"]
    if org.kind == OrgKind.CITY:
        return ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"]
    return ["T/M ĐẢNG ỦY", "BÍ THƯ"]


def report_title(period: Period) -> tuple[str, str]:
    return (
        "BÁO CÁO",
        f"kết quả thực hiện Đề án 11-ĐA/TU về nâng cao chất lượng sinh hoạt chi bộ, {period.label}",
    )


def _target_text(row: IndicatorRow) -> str:
    """'90%', '100%', '87,5%': a target is written as the plan writes it, without a needless decimal."""
    target = row.own_target
    if target is None:
        return "—"
    if target == target.to_integral_value():
        return f"{int(target)}%"
    return fmt_percent(target)


def shortcomings(data: ReportData) -> list[tuple[str, list[str]]]:
    """Section III: the indicators short of their targets (one line each), then one sentence per
    non-empty list of what to fix, naming a few of the cells concerned."""
    out = []
    short = [r for r in data.rows if r.status in ("close", "far")]
    if short:
        lines = [
            f"{r.label} đạt {fmt_percent(r.indicator.percent)} ({r.fraction}), mục tiêu {_target_text(r)};"
            for r in short
        ]
        lines[-1] = lines[-1][:-1] + "."
        out.append(("Các chỉ tiêu chưa đạt mục tiêu:", lines))
    for fix in data.fixes:
        if not fix.rows or not fix.sentence:
            continue
        sentence = fix.sentence.replace("{n}", str(fix.count))
        if fix.names:
            shown = ", ".join(fix.names[:5]) + (", …" if len(fix.names) > 5 else "")
            sentence += f" ({shown})"
        out.append((f"Có {sentence}.", []))
    if not out:
        out.append(("Các chỉ tiêu đều đạt mục tiêu; không có chi bộ nào phải khắc phục trong kỳ.", []))
    return out


def render_docx(data: ReportData) -> bytes:
    from docx.shared import Cm

    from chibo.meetings.documents import PARTY, _cell_para, _docx_setup, _para, _two_columns, date_line

    org = data.org
    document = _docx_setup()
    body = document.element.body
    for p in list(body.iterchildren()):
        if p.tag.endswith("}p"):
            body.remove(p)  # the template's empty first paragraph would push the header down
    left, right = _two_columns(document)
    upper = org.parent.name.upper() if org.parent_id else ""
    _cell_para(left, True, upper, align="center", after=0)
    _cell_para(left, False, committee_name(org).upper(), bold=True, align="center", after=0)
    _cell_para(left, False, "*", align="center", after=0)
    _cell_para(left, False, f"Số: …-BC/{_number_suffix(org)}", align="center", after=0)
    _cell_para(right, True, PARTY, bold=True, underline=True, align="center", after=6)
    _cell_para(right, False, date_line(_place(org), data.made_on), italic=True, align="center", after=0)
    _para(document, "DỰ THẢO", bold=True, align="center", before=12, after=0, color="B3121B")
    title, subtitle = report_title(data.period)
    _para(document, title, bold=True, align="center", size=14, before=18, after=0)
    _para(document, subtitle, bold=True, align="center", after=2)
    _para(document, "-----", align="center", after=6)

    _para(document, "I. TÌNH HÌNH CHUNG", bold=True, before=6)
    _para(
        document,
        general_situation(org, _read_day(data.period), data.cells, data.members, data.working),
        align="justify",
    )
    if data.plan is not None:
        plan = f"{data.plan} ngày {fmt(data.plan.issued_on)} của {committee_name(data.plan.owner)}"
        if data.plan.title:
            plan += f" «{data.plan.title}»"
        _para(document, f"Thực hiện {plan}; các chỉ tiêu được đánh giá theo kế hoạch này.", align="justify")
    else:
        _para(document, "Các chỉ tiêu được đánh giá theo mục tiêu của Đề án 11-ĐA/TU.", align="justify")
    _para(
        document,
        PLACEHOLDER.format("tình hình triển khai, quán triệt Đề án trong kỳ"),
        italic=True,
        color=PLACEHOLDER_COLOR,
    )

    _para(document, "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", bold=True, before=6)
    table = document.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    table.autofit = False
    headers = ["STT", "Chỉ tiêu", "Kết quả", "Tỷ lệ", "Mục tiêu", "Đánh giá"]
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_para(cell, True, text, bold=True, align="center", after=0, size=11)
    for i, row in enumerate(data.rows, 1):
        label = f"{row.code}. {row.label}" if row.code else row.label
        values = [
            str(i),
            label,
            row.fraction,
            fmt_percent(row.indicator.percent),
            _target_text(row),
            row.status_words,
        ]
        for cell, text in zip(table.add_row().cells, values, strict=True):
            _cell_para(cell, True, text, after=0, size=11)
    # Word reads the cells' widths, LibreOffice the grid's: set both.
    for column, width in zip(table.columns, TABLE_WIDTHS_CM, strict=True):
        column.width = Cm(width)
    for row_ in table.rows:
        for cell, width in zip(row_.cells, TABLE_WIDTHS_CM, strict=True):
            cell.width = Cm(width)
    _para(document, after=4)

    _para(document, "III. NHỮNG HẠN CHẾ, TỒN TẠI", bold=True, before=6)
    for sentence, lines in shortcomings(data):
        _para(document, f"- {sentence}", align="justify")
        for line in lines:
            _para(document, f"+ {line}", align="justify", indent=18)
    _para(
        document,
        PLACEHOLDER.format("nguyên nhân của hạn chế, tồn tại (chủ quan, khách quan)"),
        italic=True,
        color=PLACEHOLDER_COLOR,
    )

    _para(document, "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", bold=True, before=6)
    _para(
        document,
        PLACEHOLDER.format("phương hướng, nhiệm vụ, giải pháp khắc phục những hạn chế nêu trên"),
        italic=True,
        color=PLACEHOLDER_COLOR,
    )

    recipients, signature = _two_columns(document, (8.25, 8.25))
    _cell_para(recipients, True, "Nơi nhận:", bold=True, italic=True, after=0, before=12, size=12)
    above = f"{committee_name(org.parent)} (để báo cáo)" if org.parent_id else "Cấp ủy cấp trên"
    for line in (f"- {above},", "- Lưu văn phòng cấp ủy."):
        _cell_para(recipients, False, line, after=0, size=12)
    titles = _signature_titles(org)
    for i, text in enumerate(titles):
        _cell_para(signature, i == 0, text, bold=True, align="center", after=0, before=12 if i == 0 else 0)
    _cell_para(signature, False, "", bold=True, align="center", before=60)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- entry points -----------------------------------------------------------------------------------


def build(
    org: Organisation, period: Period, fmt_: str, *, user=None, progress: Progress = _no_progress
) -> bytes:
    data = collect(org, period, user=user, progress=progress)
    return render_xlsx(data) if fmt_ == XLSX else render_docx(data)


def filename(org: Organisation, period: Period, fmt_: str) -> str:
    return f"bao-cao-de-an-11-{org.code}-{period.code}.{fmt_}"
