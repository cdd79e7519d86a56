"""The committee's public portal (issue 6 §4): articles with a view count, readers' comments that wait
for moderation, and members' questions on their meeting's materials."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from chibo.meetings.models import Meeting
from chibo.members.models import Member
from chibo.orgs.models import Organisation


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Bản nháp"  # seen only by the committee's staff
    PUBLISHED = "published", "Đã đăng"  # public, without login


class Article(models.Model):
    publisher = models.ForeignKey(
        Organisation, verbose_name="cấp ủy đăng bài", on_delete=models.PROTECT, related_name="articles"
    )
    title = models.CharField("tiêu đề", max_length=255)
    slug = models.SlugField("đường dẫn", max_length=120, allow_unicode=False)
    summary = models.TextField("tóm tắt", blank=True)
    # What the staff typed (Markdown), and its sanitised HTML, rendered once on save by the service.
    body = models.TextField("nội dung")
    body_html = models.TextField(editable=False, blank=True)
    author_name = models.CharField("tác giả", max_length=120, blank=True)
    status = models.CharField(
        "trạng thái", max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField("ngày đăng", null=True, blank=True)
    view_count = models.PositiveIntegerField("lượt xem", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "bài viết"
        verbose_name_plural = "bài viết"
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
        ]
        indexes = [
            # the public lists: newest published first
            models.Index(fields=["status", "-published_at"], name="article_public_newest"),
            # a committee's latest articles (organisation page, staff list)
            models.Index(fields=["publisher", "-published_at"], name="article_publisher_newest"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portal:article", args=[self.pk, self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED


def _image_path(instance, filename: str) -> str:
    return f"portal/{instance.article_id}/{filename}"


class ArticleImage(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images")
    file = models.ImageField("ảnh", upload_to=_image_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField("chú thích", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ảnh bài viết"
        verbose_name_plural = "ảnh bài viết"
        ordering = ["pk"]

    def __str__(self):
        return self.caption or self.file.name.rsplit("/", 1)[-1]

    def get_absolute_url(self):
        return reverse("portal:image", args=[self.pk])


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Chờ duyệt"  # sent by a reader, not public
    APPROVED = "approved", "Đã duyệt"  # public: name, title, content, date (never the phone)
    REJECTED = "rejected", "Không duyệt"  # kept for the record, never public


class Comment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    name = models.CharField("họ tên", max_length=120)
    # Personal data: shown to the committee's moderators only, never on a public page or in public JSON.
    phone = models.CharField("số điện thoại", max_length=20, blank=True)
    title = models.CharField("tiêu đề", max_length=255)
    content = models.TextField("nội dung")
    created_at = models.DateTimeField("gửi lúc", auto_now_add=True)
    status = models.CharField(
        "trạng thái", max_length=10, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField("duyệt lúc", null=True, blank=True)
    # A keyed hash of the sender's IP address, not the address: enough to count for rate limits.
    address_hash = models.CharField(max_length=64, db_index=False)

    class Meta:
        verbose_name = "bình luận"
        verbose_name_plural = "bình luận"
        ordering = ["-created_at", "-pk"]
        indexes = [
            # rate limits: recent comments from one address
            models.Index(fields=["address_hash", "created_at"], name="comment_address_recent"),
            # an article's approved comments; the moderation queue per status
            models.Index(fields=["article", "status", "created_at"], name="comment_article_status"),
            models.Index(fields=["status", "created_at"], name="comment_status_date"),
        ]

    def __str__(self):
        return f"{self.name}: {self.title}"


class UsedCaptcha(models.Model):
    """A captcha's key once an answer was given: the unique key makes each captcha single-use across app
    processes, and a key answered wrongly too often is spent as well (no guessing with one image)."""

    key = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(auto_now_add=True, db_index=True)
    solved = models.BooleanField(default=False)
    wrong = models.PositiveSmallIntegerField("số lần nhập sai", default=0)

    class Meta:
        verbose_name = "mã xác nhận đã dùng"

    def __str__(self):
        return self.key


class MeetingQuestion(models.Model):
    """A member's question on the materials of a meeting they are expected at, asked before it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="portal_questions")
    member = models.ForeignKey(Member, verbose_name="đảng viên", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("câu hỏi")
    created_at = models.DateTimeField("hỏi lúc", auto_now_add=True)
    answer = models.TextField("trả lời", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField("trả lời lúc", null=True, blank=True)

    class Meta:
        verbose_name = "câu hỏi về tài liệu"
        verbose_name_plural = "câu hỏi về tài liệu"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["meeting", "created_at"], name="question_meeting_date")]

    def __str__(self):
        return self.text[:60]
