"""Partials of the portal placed on shared pages: the menu, an organisation's page, a meeting's page.
Each runs a fixed, small number of queries."""

from django import template

from chibo.meetings.models import MeetingStatus
from chibo.meetings.services.preparation import member_is_on_roster
from chibo.orgs.access import can_write_org, holds_role
from chibo.orgs.models import WRITE_ROLES
from chibo.portal.access import can_read_questions, comments_moderated_by, own_member, publishers_for
from chibo.portal.forms import QuestionForm
from chibo.portal.models import CommentStatus, MeetingQuestion
from chibo.portal.selectors import published_articles

register = template.Library()

PANEL_ARTICLES = 5


@register.inclusion_tag("portal/_nav_links.html", takes_context=True)
def portal_nav(context):
    user = context["user"]
    # Committees' writers moderate: a write role above the cells (cells have no sub-units), read from the
    # roles the request already holds.
    if getattr(user, "is_superuser", False):
        moderator = publishers_for(user).exists()
    else:
        moderator = holds_role(user, WRITE_ROLES, above_cells=True)
    pending = comments_moderated_by(user).filter(status=CommentStatus.PENDING).count() if moderator else 0
    return {"moderator": moderator, "pending": pending}


@register.inclusion_tag("portal/_org_articles.html", takes_context=True)
def portal_org_articles(context, org):
    user = context["user"]
    articles = list(published_articles().filter(publisher=org)[:PANEL_ARTICLES])
    can_write = not org.is_cell and can_write_org(user, org)
    return {"org": org, "articles": articles, "can_write": can_write}


@register.inclusion_tag("portal/_questions.html", takes_context=True)
def portal_meeting_questions(context, meeting):
    user = context["user"]
    if not can_read_questions(user, meeting):
        return {"show": False}
    questions = list(
        MeetingQuestion.objects.filter(meeting=meeting).select_related("member").order_by("created_at", "pk")
    )
    member = own_member(user)
    can_ask = (
        member is not None
        and meeting.status in (MeetingStatus.PLANNED, MeetingStatus.OPEN)
        and member_is_on_roster(member, meeting)
    )
    return {
        "show": True,
        "meeting": meeting,
        "questions": questions,
        "can_ask": can_ask,
        "can_answer": can_write_org(user, meeting.cell),
        "form": context.get("question_form") or QuestionForm(),
        "csrf_token": context.get("csrf_token"),
    }
