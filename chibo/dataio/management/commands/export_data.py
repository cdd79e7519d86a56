from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from chibo.common.files import write_private
from chibo.dataio.formats import ALL, KINDS
from chibo.dataio.services import export_data
from chibo.orgs.models import Organisation


class Command(BaseCommand):
    help = "Xuất dữ liệu ra CSV hoặc XLSX (theo đuôi tệp) đúng định dạng nhập; mỗi lần xuất được ghi nhật ký."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[*KINDS, ALL])
        parser.add_argument("file")
        parser.add_argument("--org", help="Chỉ xuất dữ liệu thuộc tổ chức có mã này và cấp dưới.")
        parser.add_argument("--user", help="Tài khoản ghi vào nhật ký là người xuất.")

    def handle(self, *args, kind, file, org, user, **options):
        scope = None
        if org:
            scope = Organisation.objects.filter(code=org).first()
            if scope is None:
                raise CommandError(f"Không có tổ chức mã «{org}».")
        account = get_user_model().objects.filter(username=user).first() if user else None
        if user and account is None:
            raise CommandError(f"Không có tài khoản «{user}».")
        try:
            content, rows = export_data(kind=kind, filename=file, org=scope, user=account)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        write_private(Path(file), content)
        self.stdout.write(f"Đã xuất {rows} dòng vào {file}.")
