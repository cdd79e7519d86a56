import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from chibo.common.access import SYSTEM
from chibo.meetings.models import RuleSet
from chibo.meetings.services.rulesets import rulesets_switch


class Command(BaseCommand):
    help = (
        "Bộ quy định sinh hoạt: `list` liệt kê; `switch --date dd/mm/yyyy` dời ngày chuyển từ bộ mặc định "
        "HD12 sang HD42 (HD12 áp dụng đến trước ngày đó, HD42 từ ngày đó)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Liệt kê các bộ quy định và thời gian hiệu lực.")
        switch = sub.add_parser("switch", help="Dời ngày chuyển giữa hai bộ mặc định.")
        switch.add_argument("--date", required=True, help="Ngày bắt đầu áp dụng HD42, dạng dd/mm/yyyy.")

    def handle(self, *args, action, **options):
        if action == "list":
            for rs in RuleSet.objects.select_related("owner").order_by("owner__path", "valid_from"):
                until = rs.valid_until.strftime("%d/%m/%Y") if rs.valid_until else "nay"
                owner = rs.owner.name if rs.owner_id else "mặc định"
                self.stdout.write(f"{rs.code}\t{rs.valid_from:%d/%m/%Y} – {until}\t{owner}\t{rs.name}")
            return
        try:
            day = dt.datetime.strptime(options["date"], "%d/%m/%Y").date()  # noqa: DTZ007  (a date)
        except ValueError as exc:
            raise CommandError(f"Ngày «{options['date']}» không hợp lệ; hãy nhập dạng dd/mm/yyyy.") from exc
        try:
            old, new = rulesets_switch(on=day, by=SYSTEM)  # the command line is trusted
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"{old.code} áp dụng đến trước {old.valid_until:%d/%m/%Y}; {new.code} áp dụng từ {new.valid_from:%d/%m/%Y}."
        )
