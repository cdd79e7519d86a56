from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from chibo.dataio.formats import ALL, KINDS
from chibo.dataio.services import import_data

NOTES_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Nhập dữ liệu từ tệp CSV/XLSX (xem docs/import-formats.md). Tệp có bất kỳ dòng lỗi nào thì không "
        "ghi gì và liệt kê mọi lỗi. KIND: " + ", ".join([*KINDS, ALL]) + "."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[*KINDS, ALL])
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi.")
        parser.add_argument("--user", help="Nhập với quyền của tài khoản này (mặc định: không giới hạn).")

    def handle(self, *args, kind, file, dry_run, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"Không có tài khoản «{user}».")
        result = import_data(
            data=path.read_bytes(), filename=path.name, kind=kind, user=account, dry_run=dry_run
        )
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Tệp bị từ chối: {len(result.errors)} lỗi; không ghi dữ liệu nào.", returncode=2
            )
        # A city-wide members file without memberships names every member: the first ones say enough.
        for note in result.notes[:NOTES_SHOWN]:
            self.stdout.write(f"Lưu ý — {note}")
        if len(result.notes) > NOTES_SHOWN:
            self.stdout.write(f"… và {len(result.notes) - NOTES_SHOWN} lưu ý khác.")
        verb = "Kiểm tra xong (chưa ghi)" if dry_run else "Đã ghi"
        self.stdout.write(f"{verb} {result.total_rows} dòng. {result.summary()}")
