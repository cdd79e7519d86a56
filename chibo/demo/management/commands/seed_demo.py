import time

from django.core.management.base import BaseCommand, CommandError

from chibo.demo.accounts import accounts_exist, create_demo_accounts
from chibo.demo.console import needs_migrations, print_accounts
from chibo.demo.extras import seed_extras
from chibo.demo.generator import DEFAULT_ROOT_CODE, SeedError, SeedSpec, seed
from chibo.reporting import facts


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu mẫu: một thành ủy, các đảng bộ phường, chi bộ và đảng viên với lịch sử "
        "K tháng gần nhất. Cùng --seed cho cùng dữ liệu."
    )

    def add_arguments(self, parser):
        spec = SeedSpec()
        parser.add_argument("--cells", type=int, default=spec.cells, help="số chi bộ (mặc định 40)")
        parser.add_argument(
            "--members-per-cell",
            type=int,
            default=spec.members_per_cell,
            help="số đảng viên trung bình mỗi chi bộ",
        )
        parser.add_argument(
            "--months", type=int, default=spec.months, help="số tháng lịch sử, tính đến tháng này"
        )
        parser.add_argument("--seed", type=int, default=spec.seed, help="hạt giống ngẫu nhiên")
        parser.add_argument(
            "--wards", type=int, default=0, help="số đảng bộ phường (mặc định: 160 chi bộ một phường)"
        )
        parser.add_argument("--root-code", default=DEFAULT_ROOT_CODE, help="mã của tổ chức gốc")
        parser.add_argument("--no-accounts", action="store_true", help="không tạo tài khoản dùng thử")

    def handle(self, *args, **options):
        spec = SeedSpec(
            cells=options["cells"],
            members_per_cell=options["members_per_cell"],
            months=options["months"],
            seed=options["seed"],
            wards=options["wards"],
            root_code=options["root_code"],
        )
        if needs_migrations():
            raise CommandError("Cơ sở dữ liệu chưa được tạo đủ bảng: hãy chạy `chibo migrate` trước.")
        started = time.perf_counter()
        try:
            result = seed(spec)
        except SeedError as error:
            raise CommandError(str(error)) from error
        made_accounts = False
        if not options["no_accounts"] and not accounts_exist():
            create_demo_accounts(result)
            made_accounts = True
        seed_extras(result)
        # The dashboards read facts: build them for the seeded months now, not on the first visit.
        for month in facts.recent_months(spec.months):
            facts.rebuild_month(month)
        counts = result.counts
        self.stdout.write(
            f"Đã sinh {counts['organisation']} tổ chức, {counts['member']} đảng viên, "
            f"{counts['membership']} lượt sinh hoạt, {counts['position']} chức vụ, "
            f"{counts['exemption']} miễn sinh hoạt, {counts['trainingrecord']} lượt bồi dưỡng, "
            f"{counts['meeting']} buổi sinh hoạt, {counts['attendance']} lượt điểm danh, "
            f"{counts['resolution']} nghị quyết, kết luận, {counts['task']} nhiệm vụ "
            f"trong {time.perf_counter() - started:.1f} giây."
        )
        if options["no_accounts"]:
            return
        if not made_accounts:
            self.stdout.write("Các tài khoản dùng thử đã có sẵn; không tạo lại.")
            return
        print_accounts(self.stdout.write)
