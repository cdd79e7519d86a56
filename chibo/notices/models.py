"""Notices to members and how each reached them (DOMAIN §8: the cell must reach every member).

A Notice is one message (a meeting invitation, a task reminder, …); a Delivery is that notice for one
member; an Attempt is one channel's try at reaching them. The inbox needs nothing outside Chibo; SMS and
e-mail are attempts that may fail; paper is an attempt the secretary records by printing the slip.
"""

from django.conf import settings
from django.db import models

from chibo.members.models import Member
from chibo.orgs.models import Organisation


class Channel(models.TextChoices):
    INBOX = "inbox", "Hộp thư Chibo"
    SMS = "sms", "Tin nhắn SMS"
    EMAIL = "email", "Thư điện tử"
    PAPER = "paper", "Giấy báo"


class NoticeKind(models.TextChoices):
    MEETING = "meeting", "Thông báo sinh hoạt"
    MEETING_CHANGE = "meeting_change", "Thay đổi lịch sinh hoạt"
    MATERIAL = "material", "Tài liệu sinh hoạt"
    TASK_GIVEN = "task_given", "Nhiệm vụ được giao"
    TASK_DUE = "task_due", "Nhiệm vụ sắp đến hạn"
    TASK_OVERDUE = "task_overdue", "Nhiệm vụ quá hạn"
    TASK_EVALUATED = "task_evaluated", "Đánh giá nhiệm vụ"
    ANSWER = "answer", "Trả lời câu hỏi"
    RECOMMENDATION = "recommendation", "Kiến nghị"
    DIGEST = "digest", "Tổng hợp cho bí thư"


class Notice(models.Model):
    # The event's own name ("meeting:12:notice:3"): the same event sent twice is one notice.
    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField("loại", max_length=20, choices=NoticeKind.choices)
    cell = models.ForeignKey(
        Organisation, verbose_name="chi bộ", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField("tiêu đề", max_length=200)
    body = models.TextField("nội dung")
    sms_text = models.CharField("nội dung SMS", max_length=480)
    link = models.CharField("đường dẫn", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"

    def __str__(self):
        return self.subject


class Delivery(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="deliveries")
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)  # the inbox's read receipt
    printed_at = models.DateTimeField("đã in giấy báo lúc", null=True, blank=True)
    # The first moment some channel reached the member (sent SMS/e-mail, read, printed); None: not reached.
    reached_at = models.DateTimeField("đã báo lúc", null=True, blank=True)

    class Meta:
        verbose_name = "gửi thông báo"
        verbose_name_plural = "gửi thông báo"
        constraints = [models.UniqueConstraint(fields=["notice", "member"], name="delivery_once_per_member")]
        indexes = [models.Index(fields=["member", "read_at"], name="delivery_inbox")]

    def __str__(self):
        return f"{self.notice_id} → {self.member_id}"


class AttemptStatus(models.TextChoices):
    PENDING = "pending", "Chờ gửi"
    SENDING = "sending", "Đang gửi"
    SENT = "sent", "Đã gửi"
    DELIVERED = "delivered", "Đã đến máy"
    FAILED = "failed", "Không gửi được"


class Attempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts")
    channel = models.CharField("kênh", max_length=10, choices=Channel.choices)
    address = models.CharField("địa chỉ", max_length=254, blank=True)  # phone number or e-mail
    status = models.CharField(
        "trạng thái", max_length=10, choices=AttemptStatus.choices, default=AttemptStatus.PENDING
    )
    tries = models.PositiveSmallIntegerField("số lần thử", default=0)
    next_try_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField("lý do", max_length=255, blank=True)
    provider_ref = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name = "lần gửi"
        verbose_name_plural = "lần gửi"
        constraints = [models.UniqueConstraint(fields=["delivery", "channel"], name="attempt_once_per_channel")]
        indexes = [models.Index(fields=["status", "next_try_at"], name="attempt_queue")]

    def __str__(self):
        return f"{self.get_channel_display()}: {self.get_status_display()}"


class ChannelChoice(models.Model):
    """A member's own choice of channels (or the secretary's, for a member without an account).
    No row: every channel the member has an address for."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="channel_choice")
    sms = models.BooleanField("nhận tin nhắn SMS", default=True)
    email = models.BooleanField("nhận thư điện tử", default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return f"{self.member_id}: sms={self.sms} email={self.email}"
