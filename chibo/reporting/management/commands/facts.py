import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chibo.reporting import facts, periods


class Command(BaseCommand):
    help = (
        "Bảng số liệu chỉ tiêu: `rebuild` tính lại từ đầu (mặc định 24 tháng gần nhất), "
        "`refresh` tính lại các chi bộ có thay đổi (chạy mỗi phút bằng cron hoặc --loop)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "refresh"])
        parser.add_argument("--month", help="chỉ một tháng YYYY-MM (rebuild)")
        parser.add_argument("--months", type=int, default=24, help="số tháng gần nhất (rebuild), mặc định 24")
        parser.add_argument("--loop", action="store_true", help="refresh: lặp mãi, mỗi --every giây")
        parser.add_argument("--every", type=int, default=30)

    def handle(self, *args, action, month=None, months=24, loop=False, every=30, **options):
        if action == "rebuild":
            if month:
                try:
                    chosen = [periods.parse(month).first]
                except ValueError as exc:
                    raise CommandError(str(exc)) from exc
            else:
                chosen = facts.recent_months(months)
            for m in chosen:
                started = time.monotonic()
                cells = facts.rebuild_month(m)
                self.stdout.write(f"{m:%m/%Y}: {cells} chi bộ, {time.monotonic() - started:.1f} giây")
            return
        while True:
            done = facts.refresh_all()
            if done or not loop:
                self.stdout.write(f"{timezone.localtime():%H:%M:%S} đã tính lại {done} chi bộ-tháng")
            if not loop:
                return
            time.sleep(every)
