"""Resolutions, conclusions and tasks (DOMAIN §6, target T5).

A meeting ends with one resolution or conclusion (`Resolution`, kind says which). Tasks are first-class:
each has one member, comes from one meeting of the cell (its origin; the meeting's resolution or
conclusion is what it carries out), and is reported at a later meeting where the cell evaluates it.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from chibo.meetings.models import Meeting, Vote
from chibo.members.models import Member
from chibo.orgs.models import Organisation


class ResolutionKind(models.TextChoices):
    RESOLUTION = "resolution", "Nghị quyết"
    CONCLUSION = "conclusion", "Kết luận"


class ResolutionStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    APPROVED = "approved", "Đã thông qua"


class Resolution(models.Model):
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="resolution")
    # Denormalised from the meeting: scoping and the yearly book read by cell without a join.
    cell = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="resolutions")
    kind = models.CharField("loại văn bản", max_length=12, choices=ResolutionKind.choices)
    number = models.CharField("số", max_length=40, blank=True)
    issued_on = models.DateField("ngày ban hành")
    # Numbers restart every year: (cell, year, number) is unique once a number is given.
    year = models.PositiveSmallIntegerField(editable=False)
    # Generated from the record: members total / present / absent / exempted, duration, chair, minute-taker.
    preamble = models.TextField("tình hình buổi sinh hoạt", blank=True)
    results = models.TextField("kết quả thực hiện nhiệm vụ tháng trước", blank=True)
    direction = models.TextField("phương hướng, nhiệm vụ tháng tới", blank=True)
    assignments = models.TextField("phân công nhiệm vụ", blank=True)
    self_assessment = models.TextField("tự đánh giá chất lượng buổi sinh hoạt", blank=True)
    vote = models.ForeignKey(
        Vote,
        verbose_name="biểu quyết thông qua",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=ResolutionStatus.choices, default=ResolutionStatus.DRAFT)
    approved_at = models.DateTimeField("thông qua lúc", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "nghị quyết, kết luận"
        verbose_name_plural = "nghị quyết, kết luận"
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cell", "year", "number"],
                condition=~Q(number=""),
                name="resolution_number_unique_per_year",
            ),
        ]
        indexes = [models.Index(fields=["cell", "issued_on"])]

    def __str__(self):
        label = self.get_kind_display()
        return f"{label} {self.number}" if self.number else f"{label} (dự thảo) {self.issued_on:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        self.year = self.issued_on.year
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("resolutions:detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status == ResolutionStatus.APPROVED


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", "Đã giao"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    DONE = "done", "Hoàn thành"
    NOT_DONE = "not_done", "Không hoàn thành"
    CARRIED_OVER = "carried_over", "Chuyển kỳ sau"


# A task is still running (the member can act on it) in these statuses.
ACTIVE_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS)


class Task(models.Model):
    # Denormalised from the origin meeting, for scoping and per-cell reports.
    cell = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="tasks")
    meeting = models.ForeignKey(
        Meeting,
        verbose_name="giao tại buổi sinh hoạt",
        on_delete=models.PROTECT,
        related_name="tasks_assigned",
    )
    member = models.ForeignKey(
        Member, verbose_name="đảng viên thực hiện", on_delete=models.PROTECT, related_name="tasks"
    )
    text = models.TextField("nội dung nhiệm vụ")
    due_on = models.DateField("hạn hoàn thành")
    report_meeting = models.ForeignKey(
        Meeting,
        verbose_name="báo cáo tại buổi sinh hoạt",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks_to_report",
    )
    status = models.CharField(
        "trạng thái", max_length=12, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED
    )
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    completed_at = models.DateTimeField("đảng viên báo hoàn thành lúc", null=True, blank=True)
    # The cell's evaluation, made at a meeting's "review tasks" step (or right after it).
    evaluation = models.TextField("đánh giá của chi bộ", blank=True)
    evaluated_at = models.DateTimeField("đánh giá lúc", null=True, blank=True)
    evaluated_in = models.ForeignKey(
        Meeting,
        verbose_name="đánh giá tại buổi sinh hoạt",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks_evaluated",
    )
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    carried_from = models.OneToOneField(
        "self",
        verbose_name="tiếp nối nhiệm vụ",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_at_most_100"),
        ]
        indexes = [
            models.Index(fields=["cell", "status"]),
            models.Index(fields=["member", "due_on"]),
            models.Index(fields=["status", "due_on"]),
        ]

    def __str__(self):
        return f"{self.member} — {self.text[:60]}"

    def get_absolute_url(self):
        return reverse("resolutions:task", args=[self.pk])

    @property
    def is_open(self) -> bool:
        """Not yet evaluated by the cell: what a "review tasks" step lists."""
        return self.evaluated_at is None and self.status != TaskStatus.CARRIED_OVER

    def is_overdue(self, day: dt.date) -> bool:
        return self.status in ACTIVE_STATUSES and self.due_on < day


def note_upload_to(note: "TaskNote", filename: str) -> str:
    # A random folder per file: names from phones collide ("IMG_0001.jpg") and must not be guessable.
    return f"tasks/{note.task_id}/{uuid.uuid4().hex}/{filename}"


class TaskNote(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField("nội dung")
    progress = models.PositiveSmallIntegerField("tiến độ (%)", null=True, blank=True)
    file = models.FileField("tệp đính kèm", upload_to=note_upload_to, blank=True, max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ghi nhận tiến độ"
        verbose_name_plural = "ghi nhận tiến độ"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Sắp đến hạn"
    OVERDUE = "overdue", "Quá hạn"
    SECRETARY = "secretary", "Báo bí thư nhiệm vụ quá hạn"


class TaskReminder(models.Model):
    """One row per e-mail sent by the daily job: the unique constraints make a second run send nothing twice."""

    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders")
    # A reminder about a deadline is sent once per deadline: a new due date may remind again.
    due_on = models.DateField(null=True, blank=True)
    cell = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    recipient = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "task", "due_on"], condition=Q(task__isnull=False), name="task_reminder_once"
            ),
            models.UniqueConstraint(
                fields=["kind", "cell", "sent_on", "recipient"],
                condition=Q(task__isnull=True),
                name="secretary_digest_once_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient} ({self.sent_on:%d/%m/%Y})"
