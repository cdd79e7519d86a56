"""Courses and who took part (issue 6 §2). A completed participation is mirrored as the member's
TrainingRecord (members app), which is what T6 counts."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from chibo.members.models import Member, TrainingKind, TrainingRecord
from chibo.orgs.models import Organisation


class Course(models.Model):
    title = models.CharField("tên lớp", max_length=255)
    kind = models.CharField(
        "loại", max_length=20, choices=TrainingKind.choices, default=TrainingKind.PARTY_WORK
    )
    organiser = models.ForeignKey(
        Organisation, verbose_name="cấp ủy tổ chức", on_delete=models.PROTECT, related_name="courses"
    )
    organiser_name = models.CharField(
        "tên đơn vị tổ chức", max_length=255, blank=True, help_text="Để trống để dùng tên cấp ủy."
    )
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    place = models.CharField("địa điểm", max_length=255, blank=True)
    online = models.BooleanField("trực tuyến", default=False)
    hours = models.PositiveSmallIntegerField("số giờ", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lớp bồi dưỡng"
        verbose_name_plural = "lớp bồi dưỡng"
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="course_ends_after_start"),
            # The import finds an existing course by these three.
            models.UniqueConstraint(fields=["organiser", "title", "starts_on"], name="course_unique_start"),
        ]
        # The course list: courses of a few organisers, newest first.
        indexes = [models.Index(fields=["organiser", "starts_on"], name="course_organiser_start")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("training:course", args=[self.pk])

    @property
    def organiser_label(self) -> str:
        return self.organiser_name or self.organiser.name


class ParticipationStatus(models.TextChoices):
    ENROLLED = "enrolled", "Đã ghi danh"  # registered, not yet attended
    ATTENDED = "attended", "Đã tham gia"  # attended, not (yet) certified
    COMPLETED = "completed", "Hoàn thành"  # finished: mirrored as a completed TrainingRecord


class Participation(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="participations")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="participations")
    # The cell the member was enrolled from: what scopes the row (who may see and change it).
    cell = models.ForeignKey(Organisation, verbose_name="chi bộ", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "trạng thái", max_length=10, choices=ParticipationStatus.choices, default=ParticipationStatus.ENROLLED
    )
    certificate_number = models.CharField("số chứng chỉ", max_length=60, blank=True)
    completed_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    record = models.OneToOneField(
        TrainingRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="participation"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "học viên"
        verbose_name_plural = "học viên"
        ordering = ["course", "member__sort_name"]
        constraints = [
            models.UniqueConstraint(fields=["course", "member"], name="participation_once_per_course"),
        ]

    def __str__(self):
        return f"{self.member} — {self.course}"
