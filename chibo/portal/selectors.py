"""Reads of the portal that several pages and the API share."""

from chibo.portal.models import Article, ArticleStatus, Comment, CommentStatus


def published_articles():
    return (
        Article.objects.filter(status=ArticleStatus.PUBLISHED)
        .select_related("publisher")
        .order_by("-published_at", "-pk")
    )


def approved_comments(article: Article):
    # Only what the public may read: the phone and address hash are never selected.
    return (
        Comment.objects.filter(article=article, status=CommentStatus.APPROVED)
        .only("pk", "article_id", "name", "title", "content", "created_at")
        .order_by("created_at", "pk")
    )
