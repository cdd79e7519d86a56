"""Scoping for supervision: chibo/orgs/access.py plus assignments.

A user with an active assignment on a unit sees that unit's subtree like a supervisor does (read-only)
on these pages, even without a role there: the assignment is the "more detail" of the bare role.
Visits and recommendations are read by those who read the cell in full (its leaders, committee staff,
supervisors above) and by assigned supervisors; a plain member of the cell does not see them (404).
Recording a visit needs an assignment covering the meeting's cell on the meeting's day; answering is for
the cell's leaders; closing for the visit's supervisor (or whoever follows the cell now).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from chibo.common.dates import today
from chibo.meetings.access import meetings_visible_to
from chibo.meetings.models import Meeting
from chibo.meetings.services.minutes import meeting_date
from chibo.orgs.access import (
    can_read_members_of,
    holds_role_on,
    is_staff_of,
    orgs_readable_in_full,
    orgs_visible_to,
    role_orgs_of,
    role_paths,
)
from chibo.orgs.models import Organisation, OrgKind, RoleKind
from chibo.supervision.models import Assignment, Recommendation, Visit

NOT_FOUND_VISIT = "Không tìm thấy lần dự sinh hoạt."
NOT_FOUND_RECOMMENDATION = "Không tìm thấy kiến nghị."
NOT_FOUND_ASSIGNMENT = "Không tìm thấy phân công theo dõi."
NOT_FOUND_MEETING = "Không tìm thấy buổi sinh hoạt."
NOT_ASSIGNED = "Chỉ cấp ủy viên được phân công theo dõi chi bộ này vào ngày sinh hoạt mới ghi nhận được việc dự sinh hoạt."
ONLY_SUPERVISOR = "Chỉ cấp ủy viên phụ trách đã dự buổi sinh hoạt mới sửa được nội dung này."
ONLY_LEADERS = "Chỉ cấp ủy chi bộ mới trả lời được kiến nghị."
ONLY_CLOSER = "Chỉ cấp ủy viên phụ trách chi bộ mới kết thúc được kiến nghị."
ONLY_STAFF = "Chỉ cán bộ cấp ủy mới phân công, kết thúc phân công theo dõi."


def _active_q(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gt": day})
    )


def active_assignments(user, day: dt.date | None = None):
    if not getattr(user, "is_authenticated", False):
        return Assignment.objects.none()
    return Assignment.objects.filter(_active_q(day or today()), user=user)


def _assigned_paths(user) -> list[str]:
    # Cached on the user object for the request, like orgs.access caches role paths.
    if not hasattr(user, "_chibo_assigned_paths"):
        user._chibo_assigned_paths = list(active_assignments(user).values_list("unit__path", flat=True))
    return user._chibo_assigned_paths


def _subtrees_q(paths: list[str], field: str = "path") -> Q:
    q = Q(pk__in=[])
    for path in set(paths):
        upper = Organisation(path=path).path_upper
        q |= Q(**{f"{field}__gte": path, f"{field}__lt": upper})
    return q


def units_visible_to(user):
    """Organisations a user may see on supervision pages: their roles' subtrees and assigned units'."""
    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(
        Q(pk__in=orgs_visible_to(user).values("pk")) | _subtrees_q(_assigned_paths(user))
    )


def units_readable_by(user):
    """Where visits and recommendations are readable: read-in-full roles and assigned units."""
    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(
        Q(pk__in=orgs_readable_in_full(user).values("pk")) | _subtrees_q(_assigned_paths(user))
    )


def is_assigned_over(user, org: Organisation) -> bool:
    return any(org.path.startswith(p) for p in _assigned_paths(user))


def can_read_unit(user, org: Organisation) -> bool:
    return can_read_members_of(user, org) or is_assigned_over(user, org)


def can_see_unit(user, org: Organisation) -> bool:
    return units_visible_to(user).filter(pk=org.pk).exists()


def get_unit_for_user(user, pk) -> Organisation:
    """An organisation for the supervision pages: 404 if unseen, 403 if seen but not readable in full."""
    org = Organisation.objects.filter(pk=pk).first()
    if org is None or not (can_see_unit(user, org) or is_assigned_over(user, org)):
        raise Http404("Không tìm thấy tổ chức.")
    if not can_read_unit(user, org):
        raise PermissionDenied("Bạn không có quyền xem công tác kiểm tra, giám sát của tổ chức này.")
    return org


def is_cell_leader(user, cell: Organisation) -> bool:
    """The cell's leaders answer for it: a cell-leader role (or administrator) covering the cell."""
    if getattr(user, "is_superuser", False):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    # Registry rights count: a secretary holding only a Position leads the cell like a cell-leader row.
    return holds_role_on(user, cell, (RoleKind.CELL_LEADER, RoleKind.ADMIN))


def covering_assignment(user, cell: Organisation, day: dt.date) -> Assignment | None:
    """The user's assignment covering the cell on `day` (a unit covers its subtree), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Assignment.objects.filter(_active_q(day), user=user, unit__path__in=cell.ancestor_paths())
        .order_by("-unit__depth", "pk")
        .first()
    )


def get_meeting_for_visit(user, pk) -> tuple[Meeting, Assignment]:
    """The meeting and the assignment under which the user records a visit: 404 if the user sees
    neither the meeting nor the cell, 403 if they see it without an assignment for that day."""
    meeting = Meeting.objects.select_related("cell", "rule_set").filter(pk=pk).first()
    if meeting is None:
        raise Http404(NOT_FOUND_MEETING)
    assignment = covering_assignment(user, meeting.cell, meeting_date(meeting))
    if assignment is None:
        visible = is_assigned_over(user, meeting.cell) or meetings_visible_to(user).filter(pk=pk).exists()
        if not visible:
            raise Http404(NOT_FOUND_MEETING)
        raise PermissionDenied(NOT_ASSIGNED)
    return meeting, assignment


def visits_visible_to(user):
    if getattr(user, "is_superuser", False):
        return Visit.objects.all()
    return Visit.objects.filter(
        Q(cell__in=units_readable_by(user).values("pk")) | Q(supervisor=user)
        if getattr(user, "is_authenticated", False)
        else Q(pk__in=[])
    )


def recommendations_visible_to(user):
    return Recommendation.objects.filter(visit__in=visits_visible_to(user).values("pk"))


def get_visit_for_user(user, pk, *, write: bool = False) -> Visit:
    visit = (
        visits_visible_to(user)
        .select_related("cell", "meeting", "supervisor", "assignment__member")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404(NOT_FOUND_VISIT)
    if write and visit.supervisor_id != user.pk:
        raise PermissionDenied(ONLY_SUPERVISOR)
    return visit


def can_close(user, recommendation: Recommendation) -> bool:
    """The supervisor who made it, or whoever is assigned to the cell today (a successor)."""
    if recommendation.visit.supervisor_id == getattr(user, "pk", None):
        return True
    return covering_assignment(user, recommendation.cell, today()) is not None


def get_recommendation_for_user(user, pk, *, answer: bool = False, close: bool = False) -> Recommendation:
    rec = (
        recommendations_visible_to(user)
        .select_related("cell", "visit__meeting", "visit__supervisor", "answered_by", "closed_by")
        .filter(pk=pk)
        .first()
    )
    if rec is None:
        raise Http404(NOT_FOUND_RECOMMENDATION)
    if answer and not is_cell_leader(user, rec.cell):
        raise PermissionDenied(ONLY_LEADERS)
    if close and not can_close(user, rec):
        raise PermissionDenied(ONLY_CLOSER)
    return rec


def committees_managed_by(user):
    """Committees (not cells) where the user is staff: where they create assignments."""
    qs = Organisation.objects.exclude(kind=OrgKind.CELL)
    if getattr(user, "is_superuser", False):
        return qs
    paths = role_paths(user, (RoleKind.STAFF, RoleKind.ADMIN))
    return qs.filter(_subtrees_q(paths)) if paths else qs.none()


def get_committee_for_staff(user, pk) -> Organisation:
    org = Organisation.objects.filter(pk=pk).first()
    if org is None or not can_see_unit(user, org):
        raise Http404("Không tìm thấy tổ chức.")
    if org.kind == OrgKind.CELL or not is_staff_of(user, org):
        raise PermissionDenied(ONLY_STAFF)
    return org


def role_orgs(user):
    """The organisations of the user's reading roles (for a superuser, the roots): where their
    committee-level supervision pages start."""
    if getattr(user, "is_superuser", False):
        return Organisation.objects.filter(parent__isnull=True).order_by("path")
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return role_orgs_of(
        user, (RoleKind.CELL_LEADER, RoleKind.STAFF, RoleKind.SUPERVISOR, RoleKind.ADMIN)
    ).order_by("path")


def assignments_visible_to(user):
    """Assignments on units the user reads in full, and the user's own."""
    if getattr(user, "is_superuser", False):
        return Assignment.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Assignment.objects.none()
    return Assignment.objects.filter(Q(unit__in=orgs_readable_in_full(user).values("pk")) | Q(user=user))


def get_assignment_for_user(user, pk, *, manage: bool = False) -> Assignment:
    assignment = (
        assignments_visible_to(user)
        .select_related("unit", "committee", "user", "member")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404(NOT_FOUND_ASSIGNMENT)
    if manage and not is_staff_of(user, assignment.committee):
        raise PermissionDenied(ONLY_STAFF)
    return assignment
