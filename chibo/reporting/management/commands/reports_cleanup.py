from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chibo.reporting.jobs import report_files_cleanup, report_jobs_expire


class Command(BaseCommand):
    help = (
        "Xóa các lượt lập báo cáo Đề án 11 (và tệp của chúng) đã tạo quá số ngày cho phép, và đánh dấu "
        "«bị gián đoạn» các lượt chờ hoặc đang lập quá lâu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"giữ các báo cáo tạo trong bấy nhiêu ngày gần đây (mặc định {settings.CHIBO_REPORT_FILES_KEEP_DAYS})",
        )

    def handle(self, *args, days=None, **options):
        if days is not None and days < 0:
            raise CommandError("--days phải là số ngày, từ 0 trở lên.")
        expired = report_jobs_expire()
        jobs, files = report_files_cleanup(days=days)
        self.stdout.write(
            f"Đã xóa {jobs} lượt báo cáo ({files} tệp); {expired} lượt chờ quá lâu được đánh dấu bị gián đoạn."
        )
