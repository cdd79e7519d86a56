import datetime as dt

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from chibo.common.dated import Dated, ends_after_start
from chibo.common.dates import add_months
from chibo.orgs.models import Organisation

PROBATION_MONTHS = 12

citizen_id_validator = RegexValidator(r"^\d{12}$", "Số CCCD phải gồm đúng 12 chữ số.")


class Gender(models.TextChoices):
    MALE = "male", "Nam"
    FEMALE = "female", "Nữ"


class WorkStatus(models.TextChoices):
    WORKING = "working", "Đang công tác"  # counted by T5 (task coverage)
    RETIRED = "retired", "Nghỉ hưu"
    OTHER = "other", "Khác"


class LeaveReason(models.TextChoices):
    REMOVAL = "removal", "Xóa tên"
    EXPULSION = "expulsion", "Khai trừ"
    DEATH = "death", "Từ trần"
    VOLUNTARY = "voluntary", "Xin ra khỏi Đảng"


class Member(models.Model):
    full_name = models.CharField("họ và tên", max_length=120)
    # Derived from full_name by services: given name first for Vietnamese sorting, accent-free for search.
    given_name = models.CharField(max_length=40, editable=False, default="")
    sort_name = models.CharField(max_length=120, editable=False, default="")
    search_name = models.CharField(max_length=120, editable=False, default="", db_index=True)
    gender = models.CharField("giới tính", max_length=10, choices=Gender.choices)
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    card_number = models.CharField("số thẻ đảng viên", max_length=20, unique=True)
    citizen_id = models.CharField(
        "số CCCD", max_length=12, unique=True, null=True, blank=True, validators=[citizen_id_validator]
    )
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    admitted_on = models.DateField("ngày vào Đảng")
    official_on = models.DateField("ngày chính thức", null=True, blank=True)
    work_status = models.CharField(
        "tình trạng công tác", max_length=10, choices=WorkStatus.choices, default=WorkStatus.WORKING
    )
    # Leaving the party (members.services.member_leave): memberships and positions end that day.
    left_on = models.DateField("ngày ra khỏi Đảng", null=True, blank=True)
    left_reason = models.CharField(
        "lý do ra khỏi Đảng", max_length=10, choices=LeaveReason.choices, blank=True
    )
    left_note = models.CharField("ghi chú ra khỏi Đảng", max_length=255, blank=True)
    # Who registered the record. Until the member has a membership, the readers of this organisation
    # (and its ancestors) see them (members.access), so a member imported without a cell is not lost.
    registered_by = models.ForeignKey(
        Organisation,
        verbose_name="đơn vị lập hồ sơ",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )

    class Meta:
        verbose_name = "đảng viên"
        verbose_name_plural = "đảng viên"
        constraints = [
            models.CheckConstraint(
                condition=Q(official_on__isnull=True) | Q(official_on__gte=models.F("admitted_on")),
                name="member_official_after_admitted",
            ),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("members:detail", args=[self.pk])

    def is_official_on(self, day: dt.date) -> bool:
        return self.official_on is not None and self.official_on <= day

    @property
    def probation_ends_on(self) -> dt.date:
        return add_months(self.admitted_on, PROBATION_MONTHS)


class MembershipKind(models.TextChoices):
    OFFICIAL = "official", "Sinh hoạt chính thức"
    TEMPORARY = "temporary", "Sinh hoạt tạm thời"


class Membership(Dated):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="memberships")
    cell = models.ForeignKey(
        Organisation, verbose_name="chi bộ", on_delete=models.PROTECT, related_name="memberships"
    )
    kind = models.CharField(
        "hình thức", max_length=10, choices=MembershipKind.choices, default=MembershipKind.OFFICIAL
    )
    note = models.CharField("ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "sinh hoạt đảng"
        verbose_name_plural = "sinh hoạt đảng"
        ordering = ["member", "valid_from"]
        constraints = [
            ends_after_start("membership_ends_after_start"),
        ]
        indexes = [
            # roster_on(cell, day): memberships of one cell around a date
            models.Index(fields=["cell", "valid_from", "valid_until"], name="membership_cell_dates"),
            models.Index(fields=["member", "valid_from"], name="membership_member_dates"),
        ]

    def __str__(self):
        return f"{self.member} @ {self.cell} ({self.get_kind_display()})"


class PositionKind(models.TextChoices):
    SECRETARY = "secretary", "Bí thư"
    DEPUTY = "deputy", "Phó bí thư"
    COMMITTEE = "committee", "Chi ủy viên"


class Position(Dated):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="positions")
    cell = models.ForeignKey(
        Organisation, verbose_name="chi bộ", on_delete=models.PROTECT, related_name="positions"
    )
    kind = models.CharField("chức vụ", max_length=10, choices=PositionKind.choices)
    decision_ref = models.CharField("số quyết định", max_length=60, blank=True)

    class Meta:
        verbose_name = "chức vụ"
        verbose_name_plural = "chức vụ"
        ordering = ["cell", "kind", "valid_from"]
        constraints = [
            ends_after_start("position_ends_after_start"),
        ]
        indexes = [models.Index(fields=["cell", "kind", "valid_from"], name="position_cell_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.member} ({self.cell})"


class Exemption(Dated):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="exemptions")
    reason = models.CharField("lý do", max_length=255)
    decision_ref = models.CharField("số quyết định", max_length=60, blank=True)

    class Meta:
        verbose_name = "miễn công tác và sinh hoạt đảng"
        verbose_name_plural = "miễn công tác và sinh hoạt đảng"
        ordering = ["member", "valid_from"]
        constraints = [
            ends_after_start("exemption_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.member}: {self.reason}"


class TrainingKind(models.TextChoices):
    PARTY_WORK = "party_work", "Kỹ năng, nghiệp vụ công tác Đảng"  # what T6 counts
    NEW_KNOWLEDGE = "new_knowledge", "Cập nhật kiến thức mới"
    POLITICAL_THEORY = "political_theory", "Lý luận chính trị"
    OTHER = "other", "Khác"


class TrainingRecord(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="trainings")
    course_title = models.CharField("tên lớp", max_length=255)
    kind = models.CharField(
        "loại", max_length=20, choices=TrainingKind.choices, default=TrainingKind.PARTY_WORK
    )
    organiser = models.CharField("đơn vị tổ chức", max_length=255, blank=True)
    started_on = models.DateField("từ ngày")
    ended_on = models.DateField("đến ngày", null=True, blank=True)
    completed = models.BooleanField("hoàn thành", default=False)

    class Meta:
        verbose_name = "bồi dưỡng, tập huấn"
        verbose_name_plural = "bồi dưỡng, tập huấn"
        ordering = ["member", "-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="training_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.course_title} — {self.member}"
