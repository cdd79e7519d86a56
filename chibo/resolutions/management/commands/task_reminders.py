import datetime as dt
import smtplib

from django.core.management.base import BaseCommand, CommandError

from chibo.common.dates import today
from chibo.resolutions.reminders import send_task_reminders


def _parse_day(text: str) -> dt.date:
    """YYYY-MM-DD, or dd/mm/yyyy as the pages write dates."""
    value = text.strip()
    try:
        if "/" in value:
            day, month, year = (int(part) for part in value.split("/"))
            return dt.date(year, month, day)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"Ngày «{text}» không hợp lệ: hãy nhập dạng YYYY-MM-DD, ví dụ 2025-03-05."
        ) from None


class Command(BaseCommand):
    help = (
        "Gửi thư nhắc nhiệm vụ hằng ngày: đảng viên có nhiệm vụ sắp đến hạn (trong 3 ngày) hoặc đã quá hạn, "
        "và bí thư chi bộ có nhiệm vụ mới quá hạn. Chạy lại trong ngày không gửi trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày chạy (YYYY-MM-DD); mặc định là hôm nay.")

    def handle(self, *args, date=None, **options):
        day = _parse_day(date) if date else today()
        try:
            s = send_task_reminders(day)
        except (smtplib.SMTPException, OSError) as exc:
            # Nothing was recorded as sent: the next run sends everything due.
            raise CommandError(f"Không kết nối được máy chủ thư (EMAIL_HOST): {exc}.") from exc
        self.stdout.write(f"Nhắc nhiệm vụ ngày {day:%d/%m/%Y}:")
        self.stdout.write(f"- Nhắc nhiệm vụ sắp đến hạn: {s.due_soon}")
        self.stdout.write(f"- Nhắc nhiệm vụ quá hạn: {s.overdue}")
        self.stdout.write(f"- Báo bí thư chi bộ: {s.secretary}")
        if s.unreachable:
            self.stdout.write(
                f"- Nhiệm vụ quá hạn của đảng viên không có cách nhận thông báo nào (đã báo bí thư): "
                f"{len(s.unreachable)} ({', '.join(dict.fromkeys(s.unreachable))})"
            )
        if s.cells_without_secretary:
            self.stdout.write(
                "- Chi bộ có nhiệm vụ quá hạn nhưng bí thư, phó bí thư chưa có thư điện tử hoặc chưa có: "
                + ", ".join(s.cells_without_secretary)
            )
        if s.failed:
            self.stderr.write(f"- Gửi không được {s.failed} thư; `chibo send-notices` sẽ gửi lại.")
