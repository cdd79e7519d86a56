"""Facts behind the Đề án 11 indicators (DOMAIN §8), plans and targets.

Why two fact tables: `CellMonthFact` holds, per cell and month, the counts each indicator needs,
computed from the base tables by one set-based function (facts.py); `OrgMonthFact` holds the same
counts summed over every organisation's subtree (cells included), so a dashboard at any level reads
one row per unit and month, whatever the size of the tree. Both are derived: `chibo facts rebuild`
recreates them from scratch, and writes mark (cell, month) stale through `cell_month_changed`.
"""

import datetime as dt

from django.conf import settings
from django.db import models

from chibo.common.dated import Dated, ends_after_start
from chibo.orgs.models import Organisation

# The summable counts, in the order the indicators use them (see indicators.KEYS).
COUNT_FIELDS = (
    "cells",
    "regular_ok",
    "thematic_ok",
    "materials_ok",
    "procedure_ok",
    "present",
    "required",
    "attendance_ok",
    "task_covered",
    "task_members",
    "leaders_trained",
    "leaders",
    "meetings_held",
    "minutes_on_time",
    "supervised",
)


class Counts(models.Model):
    cells = models.PositiveIntegerField(default=0)
    regular_ok = models.PositiveIntegerField(default=0)
    thematic_ok = models.PositiveIntegerField(default=0)
    materials_ok = models.PositiveIntegerField(default=0)
    procedure_ok = models.PositiveIntegerField(default=0)
    present = models.PositiveIntegerField(default=0)
    required = models.PositiveIntegerField(default=0)
    attendance_ok = models.PositiveIntegerField(default=0)
    task_covered = models.PositiveIntegerField(default=0)
    task_members = models.PositiveIntegerField(default=0)
    leaders_trained = models.PositiveIntegerField(default=0)
    leaders = models.PositiveIntegerField(default=0)
    meetings_held = models.PositiveIntegerField(default=0)
    minutes_on_time = models.PositiveIntegerField(default=0)
    supervised = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def counts(self) -> dict:
        return {name: getattr(self, name) for name in COUNT_FIELDS}


class CellMonthFact(Counts):
    """One row per cell active on the month's last day (`cells` = 1); none for other cells."""

    cell = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # first day of the month
    path = models.CharField(max_length=255)  # the cell's path when computed: subtree sums are range scans
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "cell"], name="cell_month_fact_unique")]
        indexes = [models.Index(fields=["month", "path"])]

    def __str__(self):
        return f"{self.cell_id} {self.month:%m/%Y}"


class OrgMonthFact(Counts):
    """The sums of CellMonthFact over an organisation's subtree (a cell's row equals its own facts)."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="org_month_fact_unique")]
        indexes = [models.Index(fields=["month", "org"])]

    def __str__(self):
        return f"{self.org_id} {self.month:%m/%Y}"


class StaleCellMonth(models.Model):
    """A (cell, month) whose facts must be recomputed; written by the cell_month_changed receiver and
    consumed by facts.refresh_stale (the background job, or a dashboard before it reads)."""

    cell_id = models.BigIntegerField()
    month = models.DateField()
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cell_id", "month"], name="stale_cell_month_unique")]

    def __str__(self):
        return f"{self.cell_id} {self.month:%m/%Y}"


class FactMonth(models.Model):
    """Months whose facts exist (built by `chibo facts rebuild`); also the lock row that serialises
    rebuilds and refreshes of one month."""

    month = models.DateField(unique=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.month:%m/%Y}"


class Plan(Dated):
    """A committee's plan carrying out Đề án 11 with its own targets for its subtree (DOMAIN §8).

    Stored half-open like every dated row (`valid_until` is the first day it no longer applies); people
    write and read its last day ("đến hết"), which forms and pages convert through `last_day`."""

    owner = models.ForeignKey(
        Organisation, verbose_name="cấp ủy ban hành", on_delete=models.CASCADE, related_name="plans"
    )
    number = models.CharField("số kế hoạch", max_length=60)
    issued_on = models.DateField("ngày ban hành")
    title = models.CharField("trích yếu", max_length=255, blank=True)
    valid_from = models.DateField("áp dụng từ")
    valid_until = models.DateField(
        "hết hiệu lực từ ngày",
        null=True,
        blank=True,
        help_text="Ngày đầu tiên không còn áp dụng; trống nếu chưa có.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "kế hoạch thực hiện Đề án"
        verbose_name_plural = "kế hoạch thực hiện Đề án"
        ordering = ["-valid_from", "-pk"]
        constraints = [ends_after_start("plan_ends_after_start")]

    def __str__(self):
        return f"Kế hoạch {self.number}"

    @property
    def last_day(self) -> dt.date | None:
        """The last day the plan applies ("đến hết"), as users enter and read it."""
        return self.valid_until - dt.timedelta(days=1) if self.valid_until else None


def until_after(last_day: dt.date | None) -> dt.date | None:
    """The stored end of a plan whose last day is `last_day` (the form's and pages' edge)."""
    return last_day + dt.timedelta(days=1) if last_day else None


class PlanTarget(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    key = models.CharField("chỉ tiêu", max_length=40)
    target = models.DecimalField("mục tiêu (%)", max_digits=5, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="plan_target_unique")]

    def __str__(self):
        return f"{self.key}: {self.target}%"


class RefreshState(models.Model):
    """A single row: `pending` is set when a refresh job has been queued and cleared when it starts, so
    a burst of writes queues one job, not one per write."""

    pending = models.BooleanField(default=False)

    def __str__(self):
        return "đang chờ cập nhật" if self.pending else "không chờ"


class ReportFormat(models.TextChoices):
    XLSX = "xlsx", "Bảng tính Excel (.xlsx)"
    DOCX = "docx", "Dự thảo báo cáo Word (.docx)"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang lập"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Lỗi"


class ReportJob(models.Model):
    """A report file made in the background worker; the page polls `progress` and links the file."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người yêu cầu",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    org = models.ForeignKey(Organisation, verbose_name="tổ chức", on_delete=models.CASCADE, related_name="+")
    period = models.CharField("kỳ báo cáo", max_length=10)  # periods.Period.code: 2025-03, 2025-Q1, 2025
    format = models.CharField("định dạng", max_length=4, choices=ReportFormat.choices)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    step = models.CharField("đang làm", max_length=255, blank=True)
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True, max_length=255)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "báo cáo xuất"
        verbose_name_plural = "báo cáo xuất"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_format_display()} {self.period} ({self.get_status_display()})"
