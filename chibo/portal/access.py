"""Who may do what in the portal, through chibo/orgs/access.py. Published articles are public; drafts,
editing and moderation belong to the staff of the publishing committee (and of committees above it)."""

from django.http import Http404

from chibo.meetings.access import get_meeting_for_user
from chibo.meetings.models import Meeting
from chibo.meetings.services.preparation import member_is_on_roster
from chibo.orgs.access import can_read_members_of, can_write_org, writable_parents
from chibo.portal.models import Article, ArticleStatus, Comment


def publishers_for(user):
    """Committees the user writes articles for: non-cell organisations under a staff or admin role."""
    return writable_parents(user)


def articles_managed_by(user):
    return Article.objects.filter(publisher__in=publishers_for(user).values("pk"))


def comments_moderated_by(user):
    return Comment.objects.filter(article__publisher__in=publishers_for(user).values("pk"))


def can_manage_article(user, article: Article) -> bool:
    # The same test as publishers_for: whoever writes the committee's data writes its articles.
    return bool(getattr(user, "is_authenticated", False)) and can_write_org(user, article.publisher)


def get_public_article(pk) -> Article:
    article = (
        Article.objects.select_related("publisher").filter(pk=pk, status=ArticleStatus.PUBLISHED).first()
    )
    if article is None:
        raise Http404("Không tìm thấy bài viết.")
    return article


def get_article_for_staff(user, pk) -> Article:
    """A committee's article (draft or published) for its staff; 404 for everyone else."""
    article = Article.objects.select_related("publisher").filter(pk=pk).first()
    if article is None or not can_manage_article(user, article):
        raise Http404("Không tìm thấy bài viết.")
    return article


def get_comment_for_moderator(user, pk) -> Comment:
    comment = Comment.objects.select_related("article__publisher").filter(pk=pk).first()
    if comment is None or not can_manage_article(user, comment.article):
        raise Http404("Không tìm thấy bình luận.")
    return comment


# --- members' questions on their meeting's materials -----------------------------------------------------


def own_member(user):
    return getattr(user, "member", None) if getattr(user, "is_authenticated", False) else None


def can_read_questions(user, meeting: Meeting) -> bool:
    """The cell's leaders, the committees above it, and the members on the meeting's roster."""
    if can_read_members_of(user, meeting.cell):
        return True
    member = own_member(user)
    return member is not None and member_is_on_roster(member, meeting)


def get_meeting_for_questions(user, pk) -> Meeting:
    meeting = get_meeting_for_user(user, pk)
    if not can_read_questions(user, meeting):
        raise Http404("Không tìm thấy buổi sinh hoạt.")
    return meeting
