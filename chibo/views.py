from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from chibo.common.dates import today
from chibo.materials.selectors import unread_for
from chibo.meetings import access as meeting_access
from chibo.meetings.models import AbsenceReport, MeetingStatus
from chibo.meetings.selectors import next_meeting_of_cell, preparation_checklist
from chibo.meetings.services.preparation import upcoming_for_member
from chibo.notices.selectors import inbox, unread_count
from chibo.orgs.access import orgs_visible_to, role_orgs_of
from chibo.orgs.models import OrgKind, RoleKind
from chibo.portal import views as portal_views
from chibo.resolutions.selectors import open_tasks, overdue_tasks
from chibo.security.decorators import open_front_door

HOME_LIST = 5  # rows of each list on the first screen; the full list is one tap away
LEADER_CELLS = 3  # a secretary rarely leads more than one cell; more are listed on the tree page


@open_front_door
def home(request):
    """The first screen is the user's next action (DOMAIN §10): anonymous readers get the portal, committee
    staff their unit's dashboard (with "what to fix"), a cell's leaders and members their next meeting,
    tasks and notices."""
    if not request.user.is_authenticated:
        return portal_views.home(request)
    user = request.user
    above = role_orgs_of(user, (RoleKind.STAFF, RoleKind.SUPERVISOR, RoleKind.ADMIN)).exclude(
        kind=OrgKind.CELL
    )
    unit = above.order_by("depth", "path").first()
    if unit is not None:
        return redirect("reporting:dashboard", pk=unit.pk)
    led = list(role_orgs_of(user, (RoleKind.CELL_LEADER,)).filter(kind=OrgKind.CELL).order_by("path"))
    member = getattr(user, "member", None)
    if led or member is not None:
        return render(request, "home.html", _first_screen(user, led[:LEADER_CELLS], member))
    top = orgs_visible_to(user).order_by("depth", "path").first()
    if top is not None:
        return redirect("orgs:detail", pk=top.pk)
    return render(request, "home.html", {"no_role": True})


def _first_screen(user, cells, member) -> dict:
    day = today()
    leading = []
    for cell in cells:
        meeting = next_meeting_of_cell(cell)
        overdue = overdue_tasks(cell, day)
        leading.append(
            {
                "cell": cell,
                "meeting": meeting,
                "checklist": preparation_checklist(meeting)
                if meeting and meeting.status == MeetingStatus.PLANNED
                else [],
                "can_run": meeting is not None and meeting_access.meeting.can_edit(user, meeting),
                "overdue": list(overdue[:HOME_LIST]),
                "overdue_count": overdue.count(),
            }
        )
    mine = None
    if member is not None:
        upcoming = upcoming_for_member(member).select_related("cell").first()
        tasks = open_tasks(member)
        unread = unread_for(user)
        mine = {
            "member": member,
            "meeting": upcoming,
            "absence": AbsenceReport.objects.filter(meeting=upcoming, member=member).first()
            if upcoming
            else None,
            "tasks": list(tasks[:HOME_LIST]),
            "tasks_count": tasks.count(),
            "unread": list(unread[:HOME_LIST]),
            "unread_count": unread.count(),
            "notices": list(inbox(user).filter(read_at__isnull=True)[:HOME_LIST]),
            "notices_count": unread_count(user),
        }
    return {"leading": leading, "mine": mine, "today": day, "now": timezone.now()}


def alive(request):
    """A signed-in user's cheapest page: the session, the user and every middleware, no query of ours.
    Monitoring checks it, and bench/meeting_night.py measures it as the floor of the other pages."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
