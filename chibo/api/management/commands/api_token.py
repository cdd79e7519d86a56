"""`chibo api-token create|list|revoke`: manage API tokens from the shell."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chibo.api.models import ApiToken
from chibo.api.services import token_create, token_revoke
from chibo.common.access import SYSTEM


def _day(value: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007  (a day, no time of day)
        except ValueError:
            pass
    raise CommandError(f"Ngày không hợp lệ: {value!r}; dùng dạng dd/mm/yyyy, ví dụ 31/12/2025.")


def _when(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else "—"


class Command(BaseCommand):
    help = "Quản lý khóa API: tạo (in khóa một lần duy nhất), liệt kê, thu hồi."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = actions.add_parser("create", help="Tạo khóa mới cho một tài khoản.")
        create.add_argument("username")
        create.add_argument(
            "--name", required=True, help="Tên gợi nhớ của khóa, ví dụ tên chương trình dùng nó."
        )
        create.add_argument(
            "--read-only", action="store_true", help="Khóa chỉ đọc: mọi yêu cầu ghi bằng khóa này bị từ chối."
        )
        create.add_argument(
            "--until",
            metavar="DD/MM/YYYY",
            help="Khóa dùng được đến hết ngày này (giờ Việt Nam) rồi tự hết hạn; bỏ trống: đến khi thu hồi.",
        )
        listing = actions.add_parser("list", help="Liệt kê các khóa của một tài khoản.")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="Thu hồi một khóa theo số hiệu (ID).")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _user(self, username):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username}.")
        return user

    def _create(self, *, username, name, read_only=False, until=None, **_):
        last_day = _day(until) if until else None
        try:
            token, raw = token_create(
                user=self._user(username), name=name, by=SYSTEM, read_only=read_only, last_day=last_day
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        kind = "chỉ đọc" if token.read_only else "đọc và ghi"
        until_text = f", dùng đến hết ngày {last_day:%d/%m/%Y}" if last_day else ""
        self.stdout.write(f"Đã tạo khóa #{token.pk} «{token.name}» cho {username} ({kind}{until_text}).")
        self.stdout.write("Khóa chỉ hiện một lần này; hãy lưu lại ngay:")
        self.stdout.write(raw)

    def _list(self, *, username, **_):
        tokens = ApiToken.objects.filter(user=self._user(username))
        if not tokens:
            self.stdout.write(f"{username} chưa có khóa API nào.")
            return
        self.stdout.write("ID\tTÊN\tĐẦU KHÓA\tQUYỀN\tTẠO LÚC\tHẾT HẠN\tDÙNG LẦN CUỐI\tTRẠNG THÁI")
        for t in tokens:
            if t.revoked_at:
                state = f"đã thu hồi {_when(t.revoked_at)}"
            else:
                state = "đã hết hạn" if t.is_expired else "đang dùng"
            kind = "chỉ đọc" if t.read_only else "đọc và ghi"
            self.stdout.write(
                f"{t.pk}\t{t.name}\t{t.prefix}…\t{kind}\t{_when(t.created_at)}\t{_when(t.expires_at)}"
                f"\t{_when(t.last_used_at)}\t{state}"
            )

    def _revoke(self, *, token_id, **_):
        token = ApiToken.objects.filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"Không có khóa #{token_id}.")
        if token.revoked_at is not None:
            self.stdout.write(f"Khóa #{token_id} đã bị thu hồi trước đó.")
            return
        token_revoke(token=token, by=SYSTEM)
        self.stdout.write(f"Đã thu hồi khóa #{token_id} «{token.name}» của {token.user}.")
