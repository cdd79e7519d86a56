"""/api/v1/portal: published articles and their approved comments are public (no login, auth=None);
the committee's staff write, publish and moderate through the same services as the web pages. A reader's
phone number never appears in the public answers; moderators of the article's committee see it."""

from typing import Literal

from django.db.models import Prefetch
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from chibo.common.api.schemas import (
    MAX_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    Flag,
    Id,
    InputSchema,
    Pagination,
    PathId,
    Text,
)
from chibo.meetings.api import LocalTime
from chibo.portal import access, selectors, services
from chibo.portal.access import (
    articles_managed_by,
    comments_moderated_by,
    get_public_article,
    publishers_for,
)
from chibo.portal.models import Article, Comment, CommentStatus

router = Router()


class ArticleOut(Schema):
    id: int
    publisher_id: int
    publisher_name: str = Field(alias="publisher.name")
    title: str
    slug: str
    summary: str
    author_name: str
    published_at: LocalTime | None
    view_count: int
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class PublicCommentOut(Schema):
    # Deliberately without phone and address: this is what anyone may read.
    id: int
    name: str
    title: str
    content: str
    created_at: LocalTime


class ImageOut(Schema):
    id: int
    url: str
    caption: str
    width: int
    height: int

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class ArticleDetailOut(ArticleOut):
    body: str = Field(description="Nội dung (Markdown) như cán bộ đã viết.")
    body_html: str = Field(description="Nội dung đã chuyển sang HTML và làm sạch.")
    images: list[ImageOut]
    comments: list[PublicCommentOut] = Field(description="Bình luận đã được duyệt.")

    @staticmethod
    def resolve_images(obj) -> list:
        return list(obj.images.all())

    @staticmethod
    def resolve_comments(obj) -> list:
        # Prefetched with the approved ones only (_with_lists): never a pending comment, never a phone.
        return list(obj.comments.all())


class StaffArticleOut(ArticleDetailOut):
    status: str
    created_at: LocalTime


class ArticleIn(InputSchema):
    publisher_id: Id = Field(description="Cấp ủy đăng bài (bạn là cán bộ của cấp ủy đó).")
    title: Text = Field(min_length=1, max_length=255)
    summary: Text = ""
    body: Text = Field(min_length=1, description="Markdown; ảnh chỉ từ chính trang này.")
    author_name: Text = Field("", max_length=120)
    publish: Flag = Field(False, description="Đăng ngay.")


class ArticleUpdateIn(InputSchema):
    title: Text | None = Field(None, min_length=1, max_length=255)
    summary: Text | None = None
    body: Text | None = Field(None, min_length=1)
    author_name: Text | None = Field(None, max_length=120)


class PublishIn(InputSchema):
    published: Flag = Field(True, description="true: đăng; false: gỡ về bản nháp.")


class ModerationCommentOut(Schema):
    id: int
    article_id: int
    article_title: str = Field(alias="article.title")
    name: str
    phone: str = Field(description="Chỉ cán bộ cấp ủy đăng bài thấy.")
    title: str
    content: str
    created_at: LocalTime
    status: CommentStatus
    moderated_at: LocalTime | None


class ModerateIn(InputSchema):
    decision: Literal["approve", "reject"]


def _with_lists(qs):
    """Images and approved comments in two queries for a whole page of articles."""
    approved = Comment.objects.filter(status=CommentStatus.APPROVED).only(
        "pk", "article_id", "name", "title", "content", "created_at"
    )
    return qs.prefetch_related("images", Prefetch("comments", queryset=approved.order_by("created_at", "pk")))


def _one(pk: int) -> Article:
    return _with_lists(Article.objects.select_related("publisher")).get(pk=pk)


# --- public ---------------------------------------------------------------------------------------------


@router.get("/articles", auth=None, response={200: list[ArticleOut], **READ_ERRORS})
@paginate(Pagination)
def article_list(
    request,
    publisher: int | None = Query(None, ge=1, le=MAX_ID, description="Id cấp ủy đăng bài."),
):
    """Published articles, newest first. No login needed."""
    qs = selectors.published_articles()
    if publisher is not None:
        qs = qs.filter(publisher_id=publisher)
    return qs


@router.get("/articles/{article_id}", auth=None, response={200: ArticleDetailOut, **READ_ERRORS})
def article_detail(request, article_id: PathId):
    """A published article with its images and approved comments (name, title, content, date). No login
    needed; a draft is 404. Reading through the API does not count a view."""
    return _one(get_public_article(article_id).pk)


# --- the committee's staff ---------------------------------------------------------------------------------


@router.get("/manage/articles", response={200: list[StaffArticleOut], **READ_ERRORS})
@paginate(Pagination)
def article_manage_list(request, status: Literal["draft", "published"] | None = None):
    """Articles (drafts too) of the committees the caller is staff of."""
    qs = articles_managed_by(request.user).select_related("publisher").order_by("-created_at", "-pk")
    if status:
        qs = qs.filter(status=status)
    return _with_lists(qs)


@router.post("/articles", response={201: StaffArticleOut, **WRITE_ERRORS})
def article_create(request, payload: ArticleIn):
    """A new article (a draft unless `publish`) for a committee the caller is staff of; another
    committee's id is 404."""
    publisher = publishers_for(request.user).filter(pk=payload.publisher_id).first()
    if publisher is None:
        raise Http404("Không tìm thấy cấp ủy (hoặc bạn không phải cán bộ của cấp ủy này).")
    article = services.article_create(
        publisher=publisher,
        title=payload.title,
        summary=payload.summary,
        body=payload.body,
        author_name=payload.author_name,
        publish=payload.publish,
        by=request.user,
    )
    return Status(201, _one(article.pk))


@router.patch("/articles/{article_id}", response={200: StaffArticleOut, **WRITE_ERRORS})
def article_update(request, article_id: PathId, payload: ArticleUpdateIn):
    """Edit an article of the caller's committee: the fields sent change."""
    article = access.article.get_for_user(request.user, article_id)
    services.article_update(article=article, by=request.user, **payload.dict(exclude_none=True))
    return _one(article.pk)


@router.post("/articles/{article_id}/publish", response={200: StaffArticleOut, **WRITE_ERRORS})
def article_publish(request, article_id: PathId, payload: PublishIn):
    """Publish (`published: true`) or take back to draft (`false`)."""
    article = access.article.get_for_user(request.user, article_id)
    if payload.published:
        services.article_publish(article=article, by=request.user)
    else:
        services.article_unpublish(article=article, by=request.user)
    return _one(article.pk)


@router.get("/comments", response={200: list[ModerationCommentOut], **READ_ERRORS})
@paginate(Pagination)
def comment_list(request, status: CommentStatus | None = CommentStatus.PENDING):
    """The moderation queue: comments on the articles of the caller's committees (pending by default)."""
    qs = comments_moderated_by(request.user).select_related("article").order_by("created_at", "pk")
    if status:
        qs = qs.filter(status=status)
    return qs


@router.post("/comments/{comment_id}/moderate", response={200: ModerationCommentOut, **WRITE_ERRORS})
def comment_moderate(request, comment_id: PathId, payload: ModerateIn):
    """Approve (public from now on) or reject a comment on an article of the caller's committee."""
    comment = access.comment.get_for_user(request.user, comment_id)
    return services.comment_moderate(comment=comment, approve=payload.decision == "approve", by=request.user)
