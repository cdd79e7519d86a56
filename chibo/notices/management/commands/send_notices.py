from django.core.management.base import BaseCommand

from chibo.notices.services import send_pending


class Command(BaseCommand):
    help = (
        "Gửi các tin nhắn SMS và thư điện tử thông báo đang chờ (lần đầu hoặc gửi lại sau lỗi). "
        "Chạy lại, hoặc hai tiến trình chạy cùng lúc, không gửi trùng."
    )

    def handle(self, *args, **options):
        counts = send_pending()
        self.stdout.write(
            f"Đã gửi {counts['sent']}; lỗi, sẽ gửi lại hoặc đã thôi: {counts['failed']}; "
            f"chờ hạn mức SMS ngày mai: {counts['capped']}."
        )
