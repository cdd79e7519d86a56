"""The supervision partials on shared pages (navigation, an organisation's page, a meeting's page).
Each runs a small fixed number of queries and shows nothing to users who may not read it."""

from django import template
from django.db.models import Count, Q

from chibo.common.dates import today
from chibo.meetings.services.minutes import meeting_date
from chibo.orgs.access import holds_role
from chibo.orgs.models import RoleKind
from chibo.supervision import access, rules, selectors
from chibo.supervision.models import RecommendationStatus

register = template.Library()
PANEL_ROWS = 10


@register.inclusion_tag("supervision/_nav_link.html")
def supervision_nav(user):
    """Shown to supervisors, staff, administrators and users with an active assignment: the roles the
    request has already read, and one query for the others (it is on every page)."""
    if not getattr(user, "is_authenticated", False):
        return {"show": False}
    if user.is_superuser or holds_role(user, (RoleKind.SUPERVISOR, RoleKind.STAFF, RoleKind.ADMIN)):
        return {"show": True}
    return {"show": access.active_assignments(user, today()).exists()}


@register.inclusion_tag("supervision/_org_panel_body.html")
def supervision_for_org(org, user):
    if not access.can_read_unit(user, org):
        return {"show": False}
    day = today()
    pending = selectors.pending_recommendations(org)
    counts = pending.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(status=RecommendationStatus.OPEN, due_on__lt=day)),
    )
    recs = list(pending[:PANEL_ROWS])
    for rec in recs:
        rec.overdue = rules.is_overdue(status=rec.status, due_on=rec.due_on, today=day)
    return {"show": True, "org": org, "recs": recs, "counts": counts, "quarter": rules.quarter_of(day)}


@register.inclusion_tag("supervision/_meeting_panel_body.html")
def supervision_for_meeting(meeting, user):
    visits = list(
        access.visits_visible_to(user)
        .filter(meeting=meeting)
        .select_related("supervisor__member")
        .annotate(
            pending=Count("recommendations", filter=~Q(recommendations__status=RecommendationStatus.CLOSED))
        )
        .order_by("pk")
    )
    can_record = (
        meeting.status in rules.VISITABLE_STATUSES
        and not any(v.supervisor_id == user.pk for v in visits)
        and access.covering_assignment(user, meeting.cell, meeting_date(meeting)) is not None
    )
    return {"visits": visits, "can_record": can_record, "meeting": meeting}
