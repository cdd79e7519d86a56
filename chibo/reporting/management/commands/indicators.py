import json

from django.core.management.base import BaseCommand, CommandError

from chibo.common.dates import today
from chibo.orgs.models import Organisation
from chibo.reporting import engine, periods
from chibo.reporting.indicators import KEYS, denominator_unit, fmt_percent


class Command(BaseCommand):
    help = "In các chỉ tiêu Đề án 11 (tử số, mẫu số, giá trị) của một tổ chức đảng trong một tháng, quý hoặc năm."

    def add_arguments(self, parser):
        parser.add_argument("org_code", help="mã tổ chức đảng, ví dụ BD-01")
        when = parser.add_mutually_exclusive_group(required=True)
        when.add_argument("--month", help="tháng YYYY-MM")
        when.add_argument("--quarter", help="quý YYYY-Qn")
        when.add_argument("--year", help="năm YYYY")
        parser.add_argument("--json", action="store_true", help="in một đối tượng JSON, khóa là các chỉ tiêu")

    def handle(self, *args, org_code, month, quarter, year, json: bool = False, **options):
        org = Organisation.objects.filter(code=org_code).first()
        if org is None:
            raise CommandError(f"Không có tổ chức đảng mã {org_code!r}.")
        text = month or quarter or year
        try:
            period = periods.parse(text)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        expected = "month" if month else "quarter" if quarter else "year"
        if period.kind != expected:
            raise CommandError(f"--{expected}: kỳ {text!r} không đúng dạng.")
        # Straight from the base tables: the CLI never depends on the facts being fresh.
        result = engine.compute(org, period)
        if json:
            self.stdout.write(_json({key: ind.as_dict() for key, ind in result.items()}))
            return
        self.stdout.write(f"{org.name} ({org.code}) — {period.label}")
        summed = period.summed(today())  # over a quarter or a year, a cell counts once a month
        for key, ind in result.items():
            denominator = f"{ind.denominator} {denominator_unit(key, *summed)}"
            self.stdout.write(
                f"{KEYS[key][3] or '  '} {key:<26} {ind.numerator:>9} / {denominator:<30} "
                f"{fmt_percent(ind.percent):>7}  {KEYS[key][2]}"
            )


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
