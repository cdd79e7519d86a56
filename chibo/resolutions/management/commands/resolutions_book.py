from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chibo.audit.models import Action
from chibo.audit.services import audit_log
from chibo.orgs.models import Organisation
from chibo.resolutions.documents import FORMATS, resolutions_book, resolutions_of_year


class Command(BaseCommand):
    help = (
        "Ghi sổ nghị quyết, kết luận của một chi bộ trong một năm (trang bìa có danh mục, mọi nghị quyết và "
        "kết luận theo thứ tự ngày) ra tệp PDF hoặc DOCX theo đuôi tệp."
    )

    def add_arguments(self, parser):
        parser.add_argument("cell_code", metavar="MA_CHI_BO", help="Mã chi bộ, ví dụ BD-01.")
        parser.add_argument("--year", type=int, required=True, help="Năm, ví dụ 2025.")
        parser.add_argument("-o", "--output", required=True, help="Tệp ghi ra: .pdf hoặc .docx.")

    def handle(self, *args, cell_code, year, output, **options):
        fmt = Path(output).suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            shown = f"«.{fmt}»" if fmt else "không có đuôi"
            raise CommandError(f"Định dạng tệp {shown} không được hỗ trợ: hãy dùng tệp .pdf hoặc .docx.")
        if not 1900 <= year <= 2100:
            raise CommandError(f"Năm {year} không hợp lệ.")
        cell = Organisation.objects.select_related("parent").filter(code=cell_code).first()
        if cell is None:
            raise CommandError(f"Không có chi bộ mã «{cell_code}».")
        if not cell.is_cell:
            raise CommandError(f"«{cell_code}» là {cell.get_kind_display().lower()}, không phải chi bộ.")
        count = resolutions_of_year(cell, year).count()
        if not count:
            raise CommandError(f"{cell.name} không có nghị quyết, kết luận nào trong năm {year}.")
        content = resolutions_book(cell, year, fmt)
        try:
            Path(output).write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {output}: {exc.strerror}.") from exc
        # The book names members and their tasks: the export is logged like any other.
        audit_log(user=None, action=Action.EXPORT, obj=cell, org_path=cell.path)
        self.stdout.write(
            f"Đã ghi sổ nghị quyết, kết luận năm {year} của {cell.name} ({count} văn bản) vào {output}."
        )
