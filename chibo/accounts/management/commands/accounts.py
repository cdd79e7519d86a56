"""`chibo accounts create|slips|reset`: accounts for the members of an organisation, from the shell.

Whoever runs the shell is the administrator; `--as LOGIN` acts as that user instead and keeps to their
scope (staff of the organisation or above)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from chibo.accounts import services
from chibo.accounts.access import can_issue_slip, can_manage_accounts
from chibo.accounts.slips import render_slips_pdf
from chibo.common.access import SYSTEM
from chibo.common.files import write_private
from chibo.members.models import Member
from chibo.orgs.models import Organisation


class Command(BaseCommand):
    help = "Tài khoản đảng viên: tạo cho cả tổ chức, in phiếu kích hoạt, cấp phiếu mới cho một đảng viên."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,slips,reset}")
        create = actions.add_parser("create", help="Tạo tài khoản cho đảng viên chưa có của một tổ chức.")
        create.add_argument("org_code", help="Mã tổ chức (chi bộ hoặc đảng bộ: cả các chi bộ trực thuộc).")
        create.add_argument(
            "--slips", metavar="FILE.pdf", help="Ghi phiếu kích hoạt của tài khoản mới vào tệp PDF."
        )
        slips = actions.add_parser("slips", help="In lại phiếu (mã mới) cho mọi tài khoản chờ kích hoạt.")
        slips.add_argument("org_code")
        slips.add_argument("--out", required=True, metavar="FILE.pdf")
        reset = actions.add_parser("reset", help="Cấp phiếu mới (đặt lại mật khẩu) cho một đảng viên.")
        reset.add_argument("card_number")
        reset.add_argument("--out", required=True, metavar="FILE.pdf")
        for sub in (create, slips, reset):
            sub.add_argument("--as", dest="as_user", metavar="LOGIN", help="Làm với quyền của tài khoản này.")

    def handle(self, *args, action, **options):
        by = self._user(options.get("as_user"))
        getattr(self, f"_{action}")(by=by, **options)

    def _user(self, login):
        if not login:
            return SYSTEM  # the shell's own user: the administrator
        user = get_user_model().objects.filter(username=login).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {login}.")
        return user

    def _org(self, code, by):
        org = Organisation.objects.filter(code=code).first()
        # Outside the acting user's scope reads the same as unknown: nothing is revealed.
        if org is None or not can_manage_accounts(by, org):
            raise CommandError(f"Không tìm thấy tổ chức mã {code} (hoặc không thuộc phạm vi của bạn).")
        return org

    def _write(self, path, slips):
        write_private(Path(path), render_slips_pdf(slips))
        self.stdout.write(f"Đã ghi {len(slips)} phiếu vào {path}.")

    def _create(self, *, org_code, slips=None, by, **_):
        org = self._org(org_code, by)
        result = services.accounts_create(org=org, by=by)
        self.stdout.write(
            f"{org.code} · {org.name}: đã tạo {len(result.created)} tài khoản mới, "
            f"{result.existing} đảng viên đã có tài khoản."
        )
        if result.conflicts:
            self.stdout.write("Số thẻ đã là tên đăng nhập của tài khoản khác: " + ", ".join(result.conflicts))
        if slips and result.created:
            self._write(slips, result.created)
        elif result.created:
            self.stdout.write(f"In phiếu kích hoạt: chibo accounts slips {org.code} --out phieu.pdf")

    def _slips(self, *, org_code, out, by, **_):
        org = self._org(org_code, by)
        issued = services.slips_issue(org=org, by=by)
        if not issued:
            self.stdout.write("Không có tài khoản nào đang chờ kích hoạt.")
            return
        self._write(out, issued)

    def _reset(self, *, card_number, out, by, **_):
        member = Member.objects.filter(card_number=card_number).first()
        if member is None:
            raise CommandError(f"Không có đảng viên số thẻ {card_number}.")
        if not can_issue_slip(by, member):
            raise CommandError(f"Không có đảng viên số thẻ {card_number} trong phạm vi của bạn.")
        try:
            slip = services.reset_slip_issue(member=member, by=by)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self._write(out, [slip])
