from django.conf import settings
from django.db import models
from django.urls import reverse

from chibo.dataio.formats import KIND_CHOICES


class JobStatus(models.TextChoices):
    PENDING = "pending", "Chờ kiểm tra"  # stored, waiting for the (background) check
    CHECKING = "checking", "Đang kiểm tra"
    REJECTED = "rejected", "Có lỗi, không ghi"  # errors found: nothing written
    CHECKED = "checked", "Đã kiểm tra, chờ xác nhận"  # dry run clean: the user may confirm
    QUEUED = "queued", "Chờ ghi"  # confirmed; the write is queued (a second confirm finds this state)
    IMPORTING = "importing", "Đang ghi"
    DONE = "done", "Đã ghi xong"
    FAILED = "failed", "Lỗi hệ thống"


# A job in these states is waiting for or being worked on by the web process or the worker.
RUNNING_STATUSES = (JobStatus.PENDING, JobStatus.CHECKING, JobStatus.QUEUED, JobStatus.IMPORTING)


class ImportJob(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhập",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField("loại dữ liệu", max_length=20, choices=KIND_CHOICES)
    file = models.FileField("tệp", upload_to="imports/%Y/%m/")
    file_name = models.CharField("tên tệp", max_length=255)
    status = models.CharField(
        "trạng thái", max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    dry_run = models.BooleanField("chỉ kiểm tra", default=True)
    background = models.BooleanField("chạy nền", default=False)
    total_rows = models.PositiveIntegerField("số dòng", default=0)
    processed_rows = models.PositiveIntegerField("đã xử lý", default=0)
    errors = models.JSONField("lỗi", default=list, blank=True)
    # Not errors (the file may be written): what the indicators will count as not met, members left without a cell.
    notes = models.JSONField("lưu ý", default=list, blank=True)
    counts = models.JSONField("kết quả", default=dict, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    started_at = models.DateTimeField("bắt đầu chạy lúc", null=True, blank=True)  # the current step's start
    checked_at = models.DateTimeField("kiểm tra lúc", null=True, blank=True)
    finished_at = models.DateTimeField("ghi xong lúc", null=True, blank=True)
    # The background worker (host:pid) running the current step; its beats say whether it is alive.
    worker = models.CharField("tiến trình nền", max_length=120, blank=True)
    # The worker died mid-step: nothing was written (all or nothing) and the step can be run again.
    interrupted = models.BooleanField("bị gián đoạn", default=False)

    class Meta:
        verbose_name = "lượt nhập dữ liệu"
        verbose_name_plural = "lượt nhập dữ liệu"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("dataio:job", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.processed_rows / self.total_rows)) if self.total_rows else 0
