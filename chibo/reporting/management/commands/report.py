from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chibo.common.files import write_private
from chibo.orgs.models import Organisation
from chibo.reporting import periods, reports


class Command(BaseCommand):
    help = (
        "Lập tệp báo cáo Đề án 11 của một tổ chức đảng cho một tháng, quý hoặc năm: bảng tính Excel "
        "(chỉ tiêu, đơn vị trực thuộc, việc cần khắc phục) hoặc dự thảo báo cáo Word."
    )

    def add_arguments(self, parser):
        parser.add_argument("org_code", help="mã tổ chức đảng, ví dụ BD")
        parser.add_argument("--period", required=True, help="kỳ báo cáo: YYYY-MM, YYYY-Qn hoặc YYYY")
        parser.add_argument(
            "--format", choices=reports.FORMATS, default=reports.XLSX, help="xlsx (mặc định) hoặc docx"
        )
        parser.add_argument("-o", "--output", help="tệp ghi ra (mặc định: tên chuẩn trong thư mục hiện tại)")

    def handle(self, *args, org_code, period, format, output=None, **options):
        org = Organisation.objects.select_related("parent").filter(code=org_code).first()
        if org is None:
            raise CommandError(f"Không có tổ chức đảng mã {org_code!r}.")
        try:
            parsed = periods.parse(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        path = Path(output or reports.filename(org, parsed, format))
        # Run from the server by an operator: every direct unit is shown (no user to scope by).
        write_private(path, reports.build(org, parsed, format))
        self.stdout.write(f"Đã ghi {path} ({org.name}, {parsed.label}).")
