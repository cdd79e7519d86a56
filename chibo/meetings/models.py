"""Cell meetings (DOMAIN §4–§7): versioned rule sets, the meetings themselves and what was recorded.

Rule sets are data: steps, durations, deadlines and scoring sheets live in rows, so a committee can
copy and adapt one for its subtree, and a meeting keeps the rule set it was judged by.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse

from chibo.common.dated import Dated, ends_after_start
from chibo.members.models import Member
from chibo.orgs.models import Organisation


class MeetingKind(models.TextChoices):
    REGULAR = "regular", "Sinh hoạt thường kỳ"
    THEMATIC = "thematic", "Sinh hoạt chuyên đề"


# --- rule sets ----------------------------------------------------------------------------------------


class RuleSet(Dated):
    """The procedure, durations, deadlines and scoring in force for the cells of a subtree from a date.

    `owner` empty = the default shipped for everyone; a committee's copy applies to its subtree and
    wins over its ancestors' (the nearest owner above a cell decides)."""

    code = models.CharField("mã", max_length=40, unique=True)
    name = models.CharField("tên", max_length=255)
    # Two different documents are numbered 12-HD/BTCTW: a rule set is keyed by number AND date.
    document_number = models.CharField("số văn bản", max_length=60)
    document_date = models.DateField("ngày văn bản")
    owner = models.ForeignKey(
        Organisation,
        verbose_name="cấp ủy áp dụng",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rule_sets",
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    valid_from = models.DateField("áp dụng từ ngày")
    valid_until = models.DateField("đến ngày", null=True, blank=True)
    min_minutes_regular = models.PositiveSmallIntegerField(
        "thời lượng tối thiểu sinh hoạt thường kỳ (phút)", default=90
    )
    min_minutes_thematic = models.PositiveSmallIntegerField(
        "thời lượng tối thiểu sinh hoạt chuyên đề (phút)", default=90
    )
    min_minutes_combined = models.PositiveSmallIntegerField(
        "thời lượng tối thiểu khi sinh hoạt thường kỳ và chuyên đề chung một buổi (phút)", default=120
    )
    materials_days_before = models.PositiveSmallIntegerField("gửi tài liệu trước (ngày)", default=1)
    minutes_days_after = models.PositiveSmallIntegerField(
        "hoàn thành biên bản, nghị quyết sau (ngày)", default=2
    )

    class Meta:
        verbose_name = "bộ quy định sinh hoạt"
        verbose_name_plural = "bộ quy định sinh hoạt"
        ordering = ["valid_from", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_number", "document_date", "owner"], name="ruleset_unique_document_per_owner"
            ),
            ends_after_start("ruleset_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.name} ({self.document_number}, {self.document_date:%d/%m/%Y})"


class RuleStep(models.Model):
    PHASES = [
        ("prepare", "Chuẩn bị"),
        ("open", "Mở đầu"),
        ("content", "Nội dung"),
        ("close", "Kết thúc"),
        ("after", "Sau sinh hoạt"),
    ]

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="steps")
    meeting_kind = models.CharField("loại sinh hoạt", max_length=10, choices=MeetingKind.choices)
    order = models.PositiveSmallIntegerField("thứ tự")
    code = models.SlugField("mã bước", max_length=40)
    phase = models.CharField("giai đoạn", max_length=10, choices=PHASES, default="content")
    title = models.CharField("nội dung bước", max_length=255)
    mandatory = models.BooleanField("bắt buộc", default=True)

    class Meta:
        verbose_name = "bước sinh hoạt"
        verbose_name_plural = "bước sinh hoạt"
        ordering = ["rule_set", "meeting_kind", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "meeting_kind", "code"], name="rulestep_unique_code"),
        ]

    def __str__(self):
        return f"{self.order}. {self.title}"


class ScoringSheet(models.Model):
    """Points per criterion and grade thresholds; a rule set may hold one sheet per meeting kind."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="sheets")
    meeting_kind = models.CharField(
        "loại sinh hoạt",
        max_length=10,
        choices=MeetingKind.choices,
        blank=True,
        help_text="Để trống: dùng cho mọi loại.",
    )
    title = models.CharField("tên phiếu", max_length=255)
    good_from = models.PositiveSmallIntegerField("Tốt từ (điểm)", default=90)
    fair_from = models.PositiveSmallIntegerField("Khá từ (điểm)", default=70)
    average_from = models.PositiveSmallIntegerField("Trung bình từ (điểm)", default=50)

    class Meta:
        verbose_name = "phiếu chấm điểm"
        verbose_name_plural = "phiếu chấm điểm"

    def __str__(self):
        return self.title


class ScoringCriterion(models.Model):
    sheet = models.ForeignKey(ScoringSheet, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField("thứ tự")
    code = models.SlugField("mã tiêu chí", max_length=40)
    title = models.CharField("tiêu chí", max_length=255)
    max_points = models.PositiveSmallIntegerField("điểm tối đa")
    # Some sheets grade Tốt only with full marks on these criteria (Bình Thuận: attendance, duration...).
    full_marks_for_good = models.BooleanField("phải đạt điểm tối đa mới xếp loại Tốt", default=False)

    class Meta:
        verbose_name = "tiêu chí chấm điểm"
        verbose_name_plural = "tiêu chí chấm điểm"
        ordering = ["sheet", "order"]
        constraints = [models.UniqueConstraint(fields=["sheet", "code"], name="criterion_unique_code")]

    def __str__(self):
        return f"{self.title} ({self.max_points} điểm)"


# --- meetings -----------------------------------------------------------------------------------------


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Dự kiến"  # in the plan; may be rescheduled
    OPEN = "open", "Đang họp"  # started: roll call, steps and votes are being recorded
    HELD = "held", "Đã họp"  # ended; counts for the indicators
    CANCELLED = "cancelled", "Đã hủy"  # with a reason; counts nowhere


class Meeting(models.Model):
    cell = models.ForeignKey(
        Organisation, verbose_name="chi bộ", on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField("loại sinh hoạt", max_length=10, choices=MeetingKind.choices)
    status = models.CharField(
        "trạng thái", max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    # The rule set in force for the cell on the meeting's date; fixed once the meeting opens.
    rule_set = models.ForeignKey(
        RuleSet, verbose_name="bộ quy định", on_delete=models.PROTECT, related_name="meetings"
    )
    scheduled_at = models.DateTimeField("thời gian dự kiến")
    place = models.CharField("địa điểm", max_length=255, blank=True)
    topic = models.CharField("chủ đề, nội dung chính", max_length=255, blank=True)
    # A thematic meeting may share the session of a regular one (120 minutes then, HD 42).
    shares_session_with = models.ForeignKey(
        "self",
        verbose_name="sinh hoạt chung buổi với",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    extra_reason = models.CharField(
        "lý do họp thêm trong tháng",
        max_length=255,
        blank=True,
        help_text="Bắt buộc khi chi bộ đã có một buổi sinh hoạt thường kỳ khác trong tháng.",
    )
    cancel_reason = models.CharField("lý do hủy", max_length=255, blank=True)
    reschedule_note = models.CharField("lý do đổi lịch", max_length=255, blank=True)
    # Kept when the meeting started before its scheduled day and was moved to the day it started.
    time_note = models.CharField("ghi chú về thời gian", max_length=255, blank=True)
    # Preparation checklist (HD 42).
    drafter = models.ForeignKey(
        Member,
        verbose_name="người chuẩn bị dự thảo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    prep_meeting_on = models.DateField("ngày họp chi ủy chuẩn bị", null=True, blank=True)
    notice_sent_at = models.DateTimeField("đã thông báo đảng viên lúc", null=True, blank=True)
    supervisor_notified_at = models.DateTimeField("đã báo cấp ủy viên phụ trách lúc", null=True, blank=True)
    # When members could first see materials: T2 needs this at least a day before the start.
    materials_published_at = models.DateTimeField("tài liệu gửi đảng viên lúc", null=True, blank=True)
    # What happened.
    started_at = models.DateTimeField("bắt đầu lúc", null=True, blank=True)
    ended_at = models.DateTimeField("kết thúc lúc", null=True, blank=True)
    chair = models.ForeignKey(
        Member, verbose_name="chủ trì", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    minute_taker = models.ForeignKey(
        Member, verbose_name="thư ký", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Check-in by QR: a secret that exists only while the meeting is open.
    checkin_token = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "buổi sinh hoạt"
        verbose_name_plural = "buổi sinh hoạt"
        ordering = ["-scheduled_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True)
                | Q(started_at__isnull=True)
                | Q(ended_at__gt=models.F("started_at")),
                name="meeting_ends_after_start",
            ),
        ]
        indexes = [
            # a cell's meetings by date (schedule, indicators per month)
            models.Index(fields=["cell", "scheduled_at"], name="meeting_cell_date"),
            models.Index(fields=["status", "scheduled_at"], name="meeting_status_date"),
            # the moment a meeting took place (started, else scheduled): month ranges of the indicators and
            # the what-to-fix lists filter on it; the index also gives the planner statistics on it
            models.Index(Coalesce("started_at", "scheduled_at"), name="meeting_moment"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.cell} {self.scheduled_at:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])


class MeetingStep(models.Model):
    """A step of the rule set as carried out at one meeting (copied when the meeting opens)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="steps")
    rule_step = models.ForeignKey(RuleStep, null=True, on_delete=models.SET_NULL, related_name="+")
    order = models.PositiveSmallIntegerField("thứ tự")
    title = models.CharField("nội dung bước", max_length=255)
    mandatory = models.BooleanField("bắt buộc", default=True)
    done = models.BooleanField("đã thực hiện", default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField("ghi chép", blank=True)

    class Meta:
        verbose_name = "bước đã thực hiện"
        ordering = ["meeting", "order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="meetingstep_unique_order")]
        indexes = [
            # full_procedure_q's "a mandatory step not done": read only those few rows, not every step
            # of every meeting ever held (what to fix, the facts of a month).
            models.Index(
                fields=["meeting"],
                condition=models.Q(mandatory=True, done=False),
                name="meetingstep_undone_mandatory",
            ),
        ]

    def __str__(self):
        return self.title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Có mặt"
    EXCUSED = "excused", "Vắng có lý do"
    UNEXCUSED = "unexcused", "Vắng không lý do"
    EXEMPT = "exempt", "Miễn sinh hoạt"  # exempted and not present: out of the counts (§5)


class Attendance(models.Model):
    """One roster line of a meeting: the legal record, kept even if memberships are corrected later."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField("điểm danh", max_length=10, choices=AttendanceStatus.choices, blank=True)
    reason = models.CharField("lý do vắng", max_length=255, blank=True)
    accepted_by = models.CharField("người chấp nhận lý do", max_length=120, blank=True)
    # Roster facts on the meeting's date, frozen with the roll call.
    is_exempt = models.BooleanField("được miễn sinh hoạt", default=False)
    is_temporary = models.BooleanField("sinh hoạt tạm thời", default=False)
    is_official = models.BooleanField("đảng viên chính thức", default=True)
    arrived_late_at = models.DateTimeField("đến muộn lúc", null=True, blank=True)
    left_early_at = models.DateTimeField("về sớm lúc", null=True, blank=True)
    checked_in_at = models.DateTimeField("tự điểm danh lúc", null=True, blank=True)
    spoke = models.BooleanField("có phát biểu", default=False)

    class Meta:
        verbose_name = "điểm danh"
        verbose_name_plural = "điểm danh"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once_per_meeting")
        ]
        indexes = [
            models.Index(fields=["member", "meeting"], name="attendance_member"),
            # The removal warning reads only the unexcused lines (about 1 in 100), not every roll call.
            models.Index(
                fields=["meeting", "member"],
                condition=models.Q(status=AttendanceStatus.UNEXCUSED, is_exempt=False),
                name="attendance_unexcused",
            ),
        ]

    def __str__(self):
        return f"{self.member}: {self.get_status_display() or 'chưa điểm danh'}"


class AbsenceReport(models.Model):
    """A member's advance notice that they cannot come; it pre-fills the roll call."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="absence_reports")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="absence_reports")
    reason = models.CharField("lý do", max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "báo vắng"
        verbose_name_plural = "báo vắng"
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="absence_report_once")]

    def __str__(self):
        return f"{self.member}: {self.reason}"


class Guest(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField("họ và tên", max_length=120)
    title = models.CharField("chức vụ, đơn vị", max_length=255, blank=True)
    is_upper_level = models.BooleanField("đại diện cấp ủy cấp trên", default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "khách mời"
        verbose_name_plural = "khách mời"

    def __str__(self):
        return self.name


class Speech(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speeches")
    step = models.ForeignKey(
        MeetingStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="speeches"
    )
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    guest = models.ForeignKey(Guest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    gist = models.TextField("nội dung chính")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "ý kiến phát biểu"
        verbose_name_plural = "ý kiến phát biểu"
        ordering = ["meeting", "order", "pk"]

    def __str__(self):
        return f"{self.member or self.guest}: {self.gist[:40]}"


class MotionKind(models.TextChoices):
    RESOLUTION = "resolution", "Thông qua nghị quyết"
    CONCLUSION = "conclusion", "Thông qua kết luận"
    EXPULSION = "expulsion", "Khai trừ đảng viên"  # needs two thirds (§5)
    OTHER = "other", "Nội dung khác"


class Vote(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    kind = models.CharField("loại biểu quyết", max_length=12, choices=MotionKind.choices)
    motion = models.CharField("nội dung biểu quyết", max_length=255)
    in_favour = models.PositiveSmallIntegerField("tán thành")
    against = models.PositiveSmallIntegerField("không tán thành")
    abstain = models.PositiveSmallIntegerField("không biểu quyết")
    # Computed by the service per DOMAIN §5 when the vote is recorded, kept with it.
    entitled = models.PositiveSmallIntegerField("số đảng viên có quyền biểu quyết")
    passed = models.BooleanField("được thông qua")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "biểu quyết"
        verbose_name_plural = "biểu quyết"
        ordering = ["meeting", "recorded_at"]

    def __str__(self):
        return self.motion


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    APPROVED = "approved", "Đã thông qua"  # locked; corrections are amendments


class Minutes(models.Model):
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    number = models.CharField("số biên bản", max_length=40, blank=True)
    body = models.TextField("nội dung")
    status = models.CharField(max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT)
    approved_at = models.DateTimeField("thông qua lúc", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "biên bản"
        verbose_name_plural = "biên bản"

    def __str__(self):
        return f"Biên bản {self.meeting}"


class MinutesAmendment(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="amendments")
    text = models.TextField("nội dung đính chính")
    reason = models.CharField("lý do", max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "đính chính biên bản"
        verbose_name_plural = "đính chính biên bản"
        ordering = ["minutes", "created_at"]

    def __str__(self):
        return self.reason


class Score(models.Model):
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="score")
    sheet = models.ForeignKey(ScoringSheet, on_delete=models.PROTECT, related_name="+")
    total = models.PositiveSmallIntegerField("tổng điểm", default=0)
    grade = models.CharField("xếp loại", max_length=12, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField("xác nhận lúc", null=True, blank=True)

    class Meta:
        verbose_name = "chấm điểm buổi sinh hoạt"
        verbose_name_plural = "chấm điểm buổi sinh hoạt"

    def __str__(self):
        return f"{self.total} điểm — {self.grade}"


class ScoreItem(models.Model):
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(ScoringCriterion, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField("điểm")
    note = models.CharField("ghi chú", max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["score", "criterion"], name="scoreitem_once")]

    def __str__(self):
        return f"{self.criterion}: {self.points}"


def material_upload_to(instance, filename):
    return f"meetings/{instance.meeting.cell_id}/{instance.meeting_id}/{filename}"


class MeetingMaterial(models.Model):
    """A document for a meeting; members see it from `published_at` (T2 measures that time)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField("tên tài liệu", max_length=255)
    file = models.FileField("tệp", upload_to=material_upload_to, blank=True)
    published_at = models.DateTimeField("công bố cho đảng viên lúc", null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tài liệu sinh hoạt"
        verbose_name_plural = "tài liệu sinh hoạt"
        ordering = ["meeting", "created_at"]

    def __str__(self):
        return self.title


class CalendarFeed(models.Model):
    """A member's private iCalendar feed of their cell's meetings: the token is the only credential."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lịch iCalendar riêng"

    def __str__(self):
        return f"Lịch của {self.member}"
