from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chibo.dataio.services import import_files_cleanup, import_jobs_expire


class Command(BaseCommand):
    help = (
        "Xóa tệp của các lượt nhập dữ liệu bị từ chối, bị lỗi hoặc không được xác nhận sau số giờ cho phép "
        "(tệp có dữ liệu cá nhân), và đánh dấu «bị gián đoạn» các lượt chờ hoặc đang chạy quá lâu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=None,
            help=f"giữ tệp của các lượt nhập trong bấy nhiêu giờ (mặc định {settings.CHIBO_IMPORT_FILES_KEEP_HOURS})",
        )

    def handle(self, *args, hours=None, **options):
        if hours is not None and hours < 0:
            raise CommandError("--hours phải là số giờ, từ 0 trở lên.", returncode=2)
        expired = import_jobs_expire()
        deleted = import_files_cleanup(hours=hours)
        self.stdout.write(
            f"Đã xóa {deleted} tệp nhập dữ liệu; {expired} lượt chờ quá lâu được đánh dấu bị gián đoạn."
        )
