"""Writes of the portal, each in one transaction with an audit entry (comments by anonymous readers are
recorded on the article's committee, without a user)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from chibo.audit.models import Action
from chibo.audit.services import audit_log, snapshot
from chibo.meetings.models import Meeting, MeetingStatus
from chibo.meetings.services.preparation import member_is_on_roster
from chibo.members.models import Member
from chibo.notices.models import NoticeKind
from chibo.notices.services import notify
from chibo.orgs.models import Organisation, OrgKind
from chibo.portal import access, rules
from chibo.portal.models import (
    Article,
    ArticleImage,
    ArticleStatus,
    Comment,
    CommentStatus,
    MeetingQuestion,
    UsedCaptcha,
)

# --- articles -------------------------------------------------------------------------------------------


def _check_article(*, publisher, title: str, body: str) -> None:
    errors = {}
    if publisher is None or publisher.kind == OrgKind.CELL:
        errors["publisher"] = "Cấp ủy đăng bài: hãy chọn một cấp ủy (không phải chi bộ)."
    if not title:
        errors["title"] = "Tiêu đề: không được để trống."
    elif len(title) > 255:
        errors["title"] = "Tiêu đề: dài quá 255 ký tự."
    if not body:
        errors["body"] = "Nội dung: không được để trống."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def article_create(
    *,
    publisher: Organisation,
    title: str,
    body: str,
    summary: str = "",
    author_name: str = "",
    publish: bool = False,
    by,
) -> Article:
    title, body = rules.clean_text(title), rules.clean_text(body)
    _check_article(publisher=publisher, title=title, body=body)
    access.require_publish_at(by, publisher)
    article = Article.objects.create(
        publisher=publisher,
        title=title,
        slug=rules.make_slug(title),
        summary=rules.clean_text(summary),
        body=body,
        body_html=rules.render_body(body),
        author_name=rules.clean_text(author_name)[:120],
        created_by=by if getattr(by, "pk", None) else None,
    )
    audit_log(user=by, action=Action.CREATE, obj=article, org_path=publisher.path)
    if publish:
        article_publish(article=article, by=by)
    return article


@transaction.atomic
def article_update(*, article: Article, by, **changes) -> Article:
    """Change any of title, summary, body, author_name; the slug and the rendered body follow."""
    access.article.check_edit(by, article)
    before = snapshot(article)
    for field in ("title", "summary", "body", "author_name"):
        if field in changes and changes[field] is not None:
            setattr(article, field, rules.clean_text(changes[field]))
    _check_article(publisher=article.publisher, title=article.title, body=article.body)
    article.slug = rules.make_slug(article.title)
    article.body_html = rules.render_body(article.body)
    article.save(update_fields=["title", "summary", "body", "body_html", "author_name", "slug", "updated_at"])
    audit_log(user=by, action=Action.UPDATE, obj=article, org_path=article.publisher.path, before=before)
    return article


@transaction.atomic
def article_publish(*, article: Article, by) -> Article:
    access.article.check_edit(by, article)
    if article.status == ArticleStatus.PUBLISHED:
        return article
    before = snapshot(article)
    article.status = ArticleStatus.PUBLISHED
    article.published_at = timezone.now()
    article.save(update_fields=["status", "published_at", "updated_at"])
    audit_log(user=by, action=Action.UPDATE, obj=article, org_path=article.publisher.path, before=before)
    return article


@transaction.atomic
def article_unpublish(*, article: Article, by) -> Article:
    """Back to draft: the public no longer sees it (its comments are kept)."""
    access.article.check_edit(by, article)
    if article.status == ArticleStatus.DRAFT:
        return article
    before = snapshot(article)
    article.status = ArticleStatus.DRAFT
    article.published_at = None
    article.save(update_fields=["status", "published_at", "updated_at"])
    audit_log(user=by, action=Action.UPDATE, obj=article, org_path=article.publisher.path, before=before)
    return article


def image_problem(file) -> str | None:
    """Why an upload is not an image we serve, or None. Pillow reads the content: the name proves nothing."""
    if file is None:
        return "Ảnh: hãy chọn tệp ảnh."
    if file.size == 0:
        return "Ảnh: tệp rỗng."
    if file.size > rules.IMAGE_MAX_BYTES:
        return f"Ảnh: dung lượng tối đa {rules.IMAGE_MAX_BYTES // (1024 * 1024)} MB; tệp này {file.size / (1024 * 1024):.1f} MB."
    try:
        file.seek(0)
        with Image.open(file) as image:
            fmt = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return "Ảnh: không đọc được tệp ảnh; chỉ nhận JPG, PNG, WEBP hoặc GIF."
    finally:
        file.seek(0)
    if fmt not in rules.IMAGE_FORMATS:
        return "Ảnh: chỉ nhận JPG, PNG, WEBP hoặc GIF."
    if width * height > rules.IMAGE_MAX_PIXELS:
        return "Ảnh: kích thước ảnh quá lớn."
    return None


def image_format(file) -> str:
    file.seek(0)
    with Image.open(file) as image:
        fmt = image.format
    file.seek(0)
    # Called after image_problem, which refused anything Pillow could not name.
    assert fmt is not None
    return fmt


@transaction.atomic
def article_image_add(*, article: Article, file, caption: str = "", by) -> ArticleImage:
    access.article.check_edit(by, article)
    problem = image_problem(file)
    if problem:
        raise ValidationError({"file": problem})
    # The stored name's extension comes from the sniffed format, so it is served with the right type.
    stem = rules.make_slug(Path(file.name).stem)[:60]
    name = stem + rules.IMAGE_EXTENSIONS[image_format(file)]
    image = ArticleImage(article=article, caption=rules.clean_text(caption)[:255])
    image.file.save(name, file, save=False)
    image.save()
    audit_log(user=by, action=Action.CREATE, obj=image, org_path=article.publisher.path)
    return image


def article_viewed(*, article: Article) -> None:
    """One more view: a single UPDATE with F(), safe with any number of concurrent readers."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


# --- comments --------------------------------------------------------------------------------------------


def captcha_use(*, token: str, typed: str) -> None:
    """Check a captcha answer and spend it: a key is accepted once, and refused for good after
    CAPTCHA_MAX_WRONG wrong answers. The count is committed before the refusal is raised, so it must not
    run inside a transaction that the refusal rolls back."""
    key = rules.captcha_key(token)
    if key is None:
        raise ValidationError({"captcha": "Mã xác nhận đã hết hạn; hãy nhập mã mới trong ảnh."})
    if not (typed or "").strip():
        raise ValidationError({"captcha": "Mã xác nhận: không được để trống."})
    UsedCaptcha.objects.filter(used_at__lt=timezone.now() - 2 * rules.CAPTCHA_MAX_AGE).delete()
    with transaction.atomic():
        UsedCaptcha.objects.get_or_create(key=key)
        row = UsedCaptcha.objects.select_for_update().get(key=key)
        if row.solved:
            problem = "Mã xác nhận này đã được dùng; hãy nhập mã mới trong ảnh."
        elif row.wrong >= rules.CAPTCHA_MAX_WRONG:
            problem = "Mã xác nhận này đã bị nhập sai nhiều lần; hãy nhập mã mới trong ảnh."
        elif not rules.captcha_matches(key, typed):
            row.wrong += 1
            row.save(update_fields=["wrong"])
            problem = "Mã xác nhận không đúng; hãy nhập lại các chữ số trong ảnh."
        else:
            row.solved = True
            row.save(update_fields=["solved"])
            problem = ""
    if problem:
        raise ValidationError({"captcha": problem})


class RateLimited(Exception):
    """Too many comments from one address; the view answers 429."""


def comment_counts(address_hash: str) -> list[int]:
    now = timezone.now()
    return [
        Comment.objects.filter(address_hash=address_hash, created_at__gte=now - window).count()
        for window, _ in rules.RATE_LIMITS
    ]


def comment_submit(
    *,
    article: Article,
    name: str,
    title: str,
    content: str,
    phone: str = "",
    address: str,
    captcha_token: str,
    captcha_answer: str,
) -> Comment:
    """A reader's comment: checked, limited per address, then waiting for moderation."""
    if not article.is_published:
        raise ValidationError("Bài viết không còn nhận bình luận.")
    name, title, content = rules.clean_text(name), rules.clean_text(title), rules.clean_text(content)
    phone = rules.clean_text(phone)
    errors = {}
    if not name:
        errors["name"] = "Họ tên: không được để trống."
    elif len(name) > 120:
        errors["name"] = "Họ tên: dài quá 120 ký tự."
    if phone and not rules.PHONE_RE.match(phone):
        errors["phone"] = rules.BAD_PHONE
    if not title:
        errors["title"] = "Tiêu đề: không được để trống."
    elif len(title) > 255:
        errors["title"] = "Tiêu đề: dài quá 255 ký tự."
    if not content:
        errors["content"] = "Nội dung: không được để trống."
    elif len(content) > 5000:
        errors["content"] = "Nội dung: dài quá 5000 ký tự."
    if errors:
        raise ValidationError(errors)
    hashed = rules.address_hash(address)
    if rules.over_limit(comment_counts(hashed)):
        raise RateLimited(rules.RATE_LIMITED)
    captcha_use(token=captcha_token, typed=captcha_answer)  # outside the transaction: wrong answers count
    with transaction.atomic():
        comment = Comment.objects.create(
            article=article, name=name, phone=phone, title=title, content=content, address_hash=hashed
        )
        audit_log(user=None, action=Action.CREATE, obj=comment, org_path=article.publisher.path)
    return comment


@transaction.atomic
def comment_moderate(*, comment: Comment, approve: bool, by) -> Comment:
    """Approve (public from now on) or reject; a decision may be changed later, each one audited."""
    access.comment.check_edit(by, comment)
    before = snapshot(comment)
    comment.status = CommentStatus.APPROVED if approve else CommentStatus.REJECTED
    comment.moderated_by = by if getattr(by, "pk", None) else None
    comment.moderated_at = timezone.now()
    comment.save(update_fields=["status", "moderated_by", "moderated_at"])
    audit_log(
        user=by, action=Action.UPDATE, obj=comment, org_path=comment.article.publisher.path, before=before
    )
    return comment


# --- members' questions -------------------------------------------------------------------------------------


@transaction.atomic
def question_ask(*, meeting: Meeting, member: Member, text: str, by) -> MeetingQuestion:
    access.require_ask_question(by, meeting, member)
    text = rules.clean_text(text)
    if not text:
        raise ValidationError({"text": "Câu hỏi: không được để trống."})
    if len(text) > 2000:
        raise ValidationError({"text": "Câu hỏi: dài quá 2000 ký tự."})
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.OPEN):
        raise ValidationError("Buổi sinh hoạt đã kết thúc hoặc đã hủy: không gửi câu hỏi được nữa.")
    if not member_is_on_roster(member, meeting):
        raise ValidationError(
            "Chỉ đảng viên có tên trong danh sách sinh hoạt của buổi này mới gửi câu hỏi được."
        )
    question = MeetingQuestion.objects.create(meeting=meeting, member=member, text=text)
    audit_log(user=by, action=Action.CREATE, obj=question, org_path=meeting.cell.path)
    return question


@transaction.atomic
def question_answer(*, question: MeetingQuestion, answer: str, by) -> MeetingQuestion:
    access.check_answer_question(by, question.meeting)
    answer = rules.clean_text(answer)
    if not answer:
        raise ValidationError({"answer": "Trả lời: không được để trống."})
    before = snapshot(question)
    question.answer = answer
    question.answered_by = by if getattr(by, "pk", None) else None
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_log(user=by, action=Action.UPDATE, obj=question, org_path=question.meeting.cell.path, before=before)
    notify(
        key=f"question:{question.pk}:answer",
        kind=NoticeKind.ANSWER,
        subject="Câu hỏi của đồng chí đã được trả lời",
        body=f"Câu hỏi: {question.text}\nTrả lời: {answer}",
        sms_text=f"Câu hỏi của đồng chí về tài liệu sinh hoạt đã được trả lời: {answer[:80]}",
        link=reverse("portal:questions", args=[question.meeting_id]),
        cell=question.meeting.cell,
        members=[question.member],
        by=by,
    )
    return question
