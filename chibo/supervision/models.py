"""Supervision from above (DOMAIN §9, issue 6 §3): who follows which units, what they saw at a meeting,
and what they asked the cell to fix, followed to closure.

An assignment is "more detail" than the bare supervisor role: a named upper-committee member follows a
unit (usually a cell) for a term. Recording a visit needs one; the role alone only lets a user read.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from chibo.common.dated import Dated, ends_after_start
from chibo.meetings.models import Meeting
from chibo.members.models import Member
from chibo.orgs.models import Organisation


class Assignment(Dated):
    # The committee that assigns (a strict ancestor of the unit); its staff create and end the term.
    committee = models.ForeignKey(
        Organisation, verbose_name="cấp ủy phân công", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cấp ủy viên phụ trách",
        on_delete=models.PROTECT,
        related_name="supervision_assignments",
    )
    member = models.ForeignKey(
        Member,
        verbose_name="hồ sơ đảng viên",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name="đơn vị theo dõi",
        on_delete=models.PROTECT,
        related_name="supervision_assignments",
    )
    # Half-open like every dated fact: valid on valid_from, no longer on valid_until.
    valid_from = models.DateField("từ ngày")
    valid_until = models.DateField("đến ngày", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "phân công theo dõi"
        verbose_name_plural = "phân công theo dõi"
        ordering = ["unit__path", "valid_from", "pk"]
        constraints = [
            ends_after_start("assignment_ends_after_start"),
        ]
        indexes = [
            # "my units" and the access check: a user's assignments by date
            models.Index(fields=["user", "valid_from"], name="assignment_user_from"),
            # who follows this unit (the meeting panel, the committee's list)
            models.Index(fields=["unit", "valid_from"], name="assignment_unit_from"),
        ]

    def __str__(self):
        return f"{self.user} → {self.unit}"

    def is_active_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)


class Rating(models.TextChoices):
    GOOD = "good", "Tốt"
    FAIR = "fair", "Khá"
    AVERAGE = "average", "Trung bình"
    WEAK = "weak", "Yếu"


# The five aspects of the observation, in the order of the form: (code, label).
ASPECTS = [
    ("preparation", "Công tác chuẩn bị"),
    ("procedure", "Thực hiện quy trình"),
    ("attendance", "Tỷ lệ, ý thức dự sinh hoạt"),
    ("content", "Nội dung sinh hoạt"),
    ("chairing", "Điều hành của đồng chí bí thư"),
]


def _rating(label):
    return models.CharField(label, max_length=10, choices=Rating.choices)


def _comment(label):
    return models.CharField(label, max_length=500, blank=True)


class Visit(models.Model):
    """An assigned supervisor attended a meeting and recorded a short structured observation."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="buổi sinh hoạt", on_delete=models.PROTECT, related_name="supervision_visits"
    )
    # Denormalised from the meeting: scoping and panels filter by cell without a join.
    cell = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="supervision_visits")
    assignment = models.ForeignKey(
        Assignment, verbose_name="phân công", on_delete=models.PROTECT, related_name="visits"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cấp ủy viên phụ trách",
        on_delete=models.PROTECT,
        related_name="supervision_visits",
    )
    visited_on = models.DateField("ngày dự")
    preparation = _rating("công tác chuẩn bị")
    preparation_comment = _comment("nhận xét về chuẩn bị")
    procedure = _rating("thực hiện quy trình")
    procedure_comment = _comment("nhận xét về quy trình")
    attendance = _rating("tỷ lệ, ý thức dự sinh hoạt")
    attendance_comment = _comment("nhận xét về dự sinh hoạt")
    content = _rating("nội dung sinh hoạt")
    content_comment = _comment("nhận xét về nội dung")
    chairing = _rating("điều hành của đồng chí bí thư")
    chairing_comment = _comment("nhận xét về điều hành")
    went_well = models.TextField("ưu điểm", blank=True)
    to_fix = models.TextField("hạn chế cần khắc phục", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "dự sinh hoạt"
        verbose_name_plural = "dự sinh hoạt"
        ordering = ["-visited_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "supervisor"], name="visit_once_per_supervisor"),
        ]
        indexes = [
            # a cell's visits by date (panels, the quarterly view)
            models.Index(fields=["cell", "visited_on"], name="visit_cell_date"),
            models.Index(fields=["supervisor", "visited_on"], name="visit_supervisor_date"),
        ]

    def __str__(self):
        return f"Dự sinh hoạt {self.cell} {self.visited_on:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("supervision:visit", args=[self.pk])

    def aspects(self) -> list[tuple[str, str, str]]:
        """(label, rating label, comment) for display."""
        return [
            (label, getattr(self, f"get_{code}_display")(), getattr(self, f"{code}_comment"))
            for code, label in ASPECTS
        ]


class RecommendationStatus(models.TextChoices):
    OPEN = "open", "Chờ chi bộ trả lời"  # the cell has to act and answer
    ANSWERED = "answered", "Chi bộ đã trả lời"  # waiting for the supervisor to close it
    CLOSED = "closed", "Đã kết thúc"  # the supervisor is satisfied; locked


# Not closed: what the cell's and the committee's pages list.
PENDING_STATUSES = (RecommendationStatus.OPEN, RecommendationStatus.ANSWERED)


class Recommendation(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="recommendations")
    cell = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="supervision_recommendations"
    )
    text = models.TextField("nội dung kiến nghị")
    due_on = models.DateField("hạn trả lời")
    status = models.CharField(
        "trạng thái", max_length=10, choices=RecommendationStatus.choices, default=RecommendationStatus.OPEN
    )
    answer = models.TextField("trả lời của chi bộ", blank=True)
    answered_at = models.DateTimeField("trả lời lúc", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    close_note = models.CharField("ý kiến khi kết thúc", max_length=500, blank=True)
    closed_at = models.DateTimeField("kết thúc lúc", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "kiến nghị"
        verbose_name_plural = "kiến nghị"
        ordering = ["due_on", "pk"]
        indexes = [
            # open recommendations under an organisation (the org panel), by deadline
            models.Index(fields=["status", "due_on"], name="recommendation_status_due"),
            models.Index(fields=["cell", "status"], name="recommendation_cell_status"),
        ]

    def __str__(self):
        return self.text[:60]

    def get_absolute_url(self):
        return reverse("supervision:recommendation", args=[self.pk])

    def is_overdue(self, day) -> bool:
        return self.status == RecommendationStatus.OPEN and self.due_on < day
