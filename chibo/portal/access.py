"""Who may do what in the portal, through chibo/orgs/access.py. Published articles are public; drafts,
editing and moderation belong to the staff of the publishing committee (and of committees above it).

`article` and `comment` (chibo/common/access.py verbs; a committee's article or comment is not even
shown to others: 404), `can_publish_at` / `require_publish_at` for a new article,
`can_read_questions` for members' questions on a meeting, `require_ask_question` and
`check_answer_question` for asking and answering them."""

from django.http import Http404

from chibo.common.access import Policy, deny, is_system
from chibo.meetings.access import get_meeting_for_user
from chibo.meetings.access import meeting as meeting_policy
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


NOT_PUBLISHER = "Bạn không phải cán bộ của cấp ủy này."


def can_publish_at(user, publisher) -> bool:
    # The same test as publishers_for: whoever writes the committee's data writes its articles.
    if is_system(user):
        return True
    return (
        bool(getattr(user, "is_authenticated", False))
        and not publisher.is_cell
        and can_write_org(user, publisher)
    )


def require_publish_at(user, publisher) -> None:
    if not can_publish_at(user, publisher):
        deny(NOT_PUBLISHER)


def can_manage_article(user, article: Article) -> bool:
    return is_system(user) or (
        bool(getattr(user, "is_authenticated", False)) and can_write_org(user, article.publisher)
    )


class ArticlePolicy(Policy[Article]):
    """A committee's articles (drafts and published) as its staff see them; others get 404."""

    model = Article
    not_found_message = "Không tìm thấy bài viết."
    denied_message = NOT_PUBLISHER

    def fetch_qs(self):
        return Article.objects.select_related("publisher")

    def visible_qs(self, user):
        return Article.objects.all() if is_system(user) else articles_managed_by(user)

    def can_view(self, user, obj: Article) -> bool:
        return can_manage_article(user, obj)

    def can_edit(self, user, obj: Article) -> bool:
        return can_manage_article(user, obj)


class CommentPolicy(Policy[Comment]):
    """Comments are moderated by the staff of the article's committee; others get 404."""

    model = Comment
    not_found_message = "Không tìm thấy bình luận."
    denied_message = NOT_PUBLISHER

    def fetch_qs(self):
        return Comment.objects.select_related("article__publisher")

    def visible_qs(self, user):
        return Comment.objects.all() if is_system(user) else comments_moderated_by(user)

    def can_view(self, user, obj: Comment) -> bool:
        return can_manage_article(user, obj.article)

    def can_edit(self, user, obj: Comment) -> bool:
        return can_manage_article(user, obj.article)


article = ArticlePolicy()
comment = CommentPolicy()


def get_public_article(pk) -> Article:
    article = (
        Article.objects.select_related("publisher").filter(pk=pk, status=ArticleStatus.PUBLISHED).first()
    )
    if article is None:
        raise Http404("Không tìm thấy bài viết.")
    return article


# --- members' questions on their meeting's materials -----------------------------------------------------


def own_member(user):
    return getattr(user, "member", None) if getattr(user, "is_authenticated", False) else None


def can_read_questions(user, meeting: Meeting) -> bool:
    """The cell's leaders, the committees above it, and the members on the meeting's roster."""
    if can_read_members_of(user, meeting.cell):
        return True
    member = own_member(user)
    return member is not None and member_is_on_roster(member, meeting)


ASK_OWN_ONLY = "Đảng viên chỉ gửi câu hỏi dưới tên của chính mình."


def require_ask_question(user, meeting: Meeting, member) -> None:
    """A question is the member's own: asked from their account, on a meeting they see (whether they
    are on its roster is the service's check, with its own message)."""
    if is_system(user):
        return
    mine = own_member(user)
    if mine is None or member is None or mine.pk != member.pk:
        deny(ASK_OWN_ONLY)
    meeting_policy.check_view(user, meeting)


def check_answer_question(user, meeting: Meeting) -> None:
    """Members' questions are answered by the cell's writers (those who edit the meeting)."""
    meeting_policy.check_edit(user, meeting)


def get_meeting_for_questions(user, pk) -> Meeting:
    meeting = get_meeting_for_user(user, pk)
    if not can_read_questions(user, meeting):
        raise Http404("Không tìm thấy buổi sinh hoạt.")
    return meeting
