"""Materials a committee publishes down the tree (issue 6 §1): who they reach, their files, the meetings
they are attached to, and who opened them."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename

from chibo.meetings.models import Meeting
from chibo.members.models import Member
from chibo.orgs.models import Organisation


class MaterialKind(models.TextChoices):
    MONTHLY = "monthly", "Tài liệu sinh hoạt tháng"
    THEMATIC = "thematic", "Hướng dẫn chuyên đề"
    UPPER = "upper", "Văn bản cấp trên"


class Audience(models.TextChoices):
    # Every unit below the publisher (and the publisher itself).
    SUBTREE = "subtree", "Toàn bộ tổ chức trực thuộc"
    # Only the chosen units (each with its own subtree).
    UNITS = "units", "Các đơn vị được chọn"


class Material(models.Model):
    publisher = models.ForeignKey(
        Organisation, verbose_name="cấp ủy ban hành", on_delete=models.PROTECT, related_name="materials"
    )
    kind = models.CharField("loại tài liệu", max_length=10, choices=MaterialKind.choices)
    title = models.CharField("tiêu đề", max_length=255)
    summary = models.TextField("tóm tắt", blank=True)
    # First day of the month served (monthly materials).
    month = models.DateField("tháng", null=True, blank=True)
    topic = models.CharField("chuyên đề", max_length=255, blank=True)
    period_start = models.DateField("dùng từ ngày", null=True, blank=True)
    period_end = models.DateField("dùng đến ngày", null=True, blank=True)
    # Scheduled publication: nobody below sees the material before this time.
    publish_at = models.DateTimeField("công bố lúc")
    audience = models.CharField("gửi đến", max_length=10, choices=Audience.choices, default=Audience.SUBTREE)
    units = models.ManyToManyField(
        Organisation, through="MaterialUnit", related_name="+", verbose_name="đơn vị nhận", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tài liệu"
        verbose_name_plural = "tài liệu"
        ordering = ["-publish_at", "-pk"]
        indexes = [
            # A committee's list of its own materials, newest first.
            models.Index(fields=["publisher", "-publish_at"], name="material_publisher_idx"),
            # "What reached me" lists: subtree materials of the ancestors, published before now.
            models.Index(fields=["audience", "publish_at"], name="material_audience_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="monthly") | Q(month__isnull=False), name="material_monthly_has_month"
            ),
            models.CheckConstraint(
                condition=~Q(kind="thematic") | ~Q(topic=""), name="material_thematic_has_topic"
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="material_period_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("materials:detail", args=[self.pk])


class MaterialUnit(models.Model):
    """A chosen unit of a material sent to chosen units (its subtree receives it too)."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="unit_rows")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "đơn vị nhận tài liệu"
        constraints = [
            models.UniqueConstraint(fields=["material", "organisation"], name="material_unit_unique"),
        ]

    def __str__(self):
        return f"{self.material} → {self.organisation}"


def material_file_upload_to(instance, filename):
    # A random folder per file: names are unguessable and two files of one name never clash.
    return f"materials/{secrets.token_hex(16)}/{get_valid_filename(filename)[-100:]}"


class MaterialFile(models.Model):
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("tệp", upload_to=material_file_upload_to, max_length=200)
    name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField("dung lượng (byte)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tệp tài liệu"
        verbose_name_plural = "tệp tài liệu"
        ordering = ["material", "pk"]

    def __str__(self):
        return self.name


class MaterialText(models.Model):
    """Folded (lower-case, accent-free) search text: one row for title and summary (file empty), one
    per PDF or DOCX file. Derived data, kept out of the audit log."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="texts")
    file = models.OneToOneField(
        MaterialFile, null=True, blank=True, on_delete=models.CASCADE, related_name="search_text"
    )
    text = models.TextField()

    class Meta:
        verbose_name = "nội dung tìm kiếm"

    def __str__(self):
        return f"{self.material_id}: {self.text[:40]}"


class MaterialAttachment(models.Model):
    """A committee's material attached by a cell to one of its meetings (a cell's own files are
    meetings.MeetingMaterial)."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="attachments")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="committee_materials")
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attached_at = models.DateTimeField("gắn lúc", default=timezone.now)
    # Recorded after the fact for a meeting already held: when the material really reached members
    # (T2 reads this, not the moment of recording).
    sent_at = models.DateTimeField("tài liệu đến đảng viên lúc", null=True, blank=True)

    class Meta:
        verbose_name = "tài liệu gắn với buổi sinh hoạt"
        ordering = ["meeting", "attached_at"]
        constraints = [
            models.UniqueConstraint(fields=["material", "meeting"], name="material_attachment_unique"),
        ]

    def __str__(self):
        return f"{self.material} → {self.meeting_id}"


class MaterialOpen(models.Model):
    """Who opened a material: one row per user and material, with the first and last time and a count."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="opens")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The user's member record at the time: the per-unit report matches it against rosters.
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    first_at = models.DateTimeField("mở lần đầu")
    last_at = models.DateTimeField("mở lần cuối")
    count = models.PositiveIntegerField("số lần mở", default=1)

    class Meta:
        verbose_name = "lượt mở tài liệu"
        constraints = [
            models.UniqueConstraint(fields=["material", "user"], name="material_open_unique"),
        ]

    def __str__(self):
        return f"{self.user_id} mở {self.material_id} ({self.count})"
