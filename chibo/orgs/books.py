"""What the yearly book commands of a cell share (`chibo minutes-book`, `chibo resolutions-book`): their
arguments, the checks on them, and writing the file as a logged export."""

from pathlib import Path

from django.core.management.base import CommandError

from chibo.audit.models import Action
from chibo.audit.services import audit_log
from chibo.common.files import write_private
from chibo.orgs.models import Organisation


def add_book_arguments(parser) -> None:
    parser.add_argument("cell_code", metavar="MA_CHI_BO", help="Mã chi bộ, ví dụ BD-01.")
    parser.add_argument("--year", type=int, required=True, help="Năm, ví dụ 2025.")
    parser.add_argument("-o", "--output", required=True, help="Tệp ghi ra: .pdf hoặc .docx.")


def book_target(cell_code: str, year: int, output: str, formats) -> tuple[Organisation, str]:
    """The cell and the file format (from the output's suffix), or a CommandError in Vietnamese."""
    fmt = Path(output).suffix.lower().lstrip(".")
    if fmt not in formats:
        shown = f"«.{fmt}»" if fmt else "không có đuôi"
        raise CommandError(f"Định dạng tệp {shown} không được hỗ trợ: hãy dùng tệp .pdf hoặc .docx.")
    if not 1900 <= year <= 2100:
        raise CommandError(f"Năm {year} không hợp lệ.")
    cell = Organisation.objects.select_related("parent").filter(code=cell_code).first()
    if cell is None:
        raise CommandError(f"Không có chi bộ mã «{cell_code}».")
    if not cell.is_cell:
        raise CommandError(f"«{cell_code}» là {cell.get_kind_display().lower()}, không phải chi bộ.")
    return cell, fmt


def write_book(output: str, content: bytes, cell: Organisation) -> None:
    try:
        write_private(Path(output), content)
    except OSError as exc:
        raise CommandError(f"Không ghi được tệp {output}: {exc.strerror}.") from exc
    # A book names members (absence reasons, tasks): the export is logged like any other.
    audit_log(user=None, action=Action.EXPORT, obj=cell, org_path=cell.path)
