"""Scoping for supervision: chibo/orgs/access.py plus assignments.

A user with an active assignment on a unit sees that unit's subtree like a supervisor does (read-only)
on these pages, even without a role there: the assignment is the "more detail" of the bare role.
Visits and recommendations are read by those who read the cell in full (its leaders, committee staff,
supervisors above) and by assigned supervisors; a plain member of the cell does not see them (404).
Recording a visit needs an assignment covering the meeting's cell on the meeting's day; answering is for
the cell's leaders; closing for the visit's supervisor (or whoever follows the cell now).

Policies (chibo/common/access.py verbs): `unit`, `visit`, `recommendation`, `assignment`; plain rules
`can_manage` / `require_manage` (assign at a committee) and `get_meeting_for_visit` (record a visit).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from chibo.common.access import Policy, VisibleFetchPolicy, deny, is_system
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
from chibo.orgs.models import Organisation, OrgKind, RoleKind, in_ancestors_q, in_subtrees_q, is_in_subtree
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
NOT_READABLE = "Bạn không có quyền xem công tác kiểm tra, giám sát của tổ chức này."
VISIT_NOT_COVERED = "Phân công theo dõi không bao gồm chi bộ này vào ngày sinh hoạt."


def _superuser(user) -> bool:
    return is_system(user) or bool(getattr(user, "is_superuser", False))


def active_assignments(user, day: dt.date | None = None):
    if not getattr(user, "is_authenticated", False) or is_system(user):
        return Assignment.objects.none()
    return Assignment.objects.valid_on(day or today()).filter(user=user)


def _assigned_paths(user) -> list[str]:
    # Cached on the user object for the request, like orgs.access caches role paths.
    if not hasattr(user, "_chibo_assigned_paths"):
        user._chibo_assigned_paths = list(active_assignments(user).values_list("unit__path", flat=True))
    return user._chibo_assigned_paths


def units_visible_to(user):
    """Organisations a user may see on supervision pages: their roles' subtrees and assigned units'."""
    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(
        Q(pk__in=orgs_visible_to(user).values("pk")) | in_subtrees_q(_assigned_paths(user))
    )


def units_readable_by(user):
    """Where visits and recommendations are readable: read-in-full roles and assigned units."""
    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(
        Q(pk__in=orgs_readable_in_full(user).values("pk")) | in_subtrees_q(_assigned_paths(user))
    )


def is_assigned_over(user, org: Organisation) -> bool:
    return any(is_in_subtree(org.path, p) for p in _assigned_paths(user))


def can_read_unit(user, org: Organisation) -> bool:
    return can_read_members_of(user, org) or is_assigned_over(user, org)


def can_see_unit(user, org: Organisation) -> bool:
    return units_visible_to(user).filter(pk=org.pk).exists()


class UnitPolicy(Policy[Organisation]):
    """An organisation on the supervision pages: seen through roles or assignments, read in full by
    those who read its members' records and by assigned supervisors (403 for the others who see it)."""

    model = Organisation
    not_found_message = "Không tìm thấy tổ chức."
    denied_message = NOT_READABLE

    def visible_qs(self, user):
        return units_visible_to(user)

    def can_view(self, user, obj: Organisation) -> bool:
        return _superuser(user) or is_assigned_over(user, obj) or can_see_unit(user, obj)

    def can_read(self, user, obj: Organisation) -> bool:
        return _superuser(user) or can_read_unit(user, obj)

    def can_edit(self, user, obj: Organisation) -> bool:
        return self.can_read(user, obj)

    def get_for_user(self, user, pk, *, write: bool = False) -> Organisation:
        # Every supervision page about a unit reads visits and recommendations: reading is checked always.
        return super().get_for_user(user, pk, write=True)


unit = UnitPolicy()


def is_cell_leader(user, cell: Organisation) -> bool:
    """The cell's leaders answer for it: a cell-leader role (or administrator) covering the cell."""
    if _superuser(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    # Registry rights count: a secretary holding only a Position leads the cell like a cell-leader row.
    return holds_role_on(user, cell, (RoleKind.CELL_LEADER, RoleKind.ADMIN))


def covering_assignment(user, cell: Organisation, day: dt.date) -> Assignment | None:
    """The user's assignment covering the cell on `day` (a unit covers its subtree), or None."""
    if not getattr(user, "is_authenticated", False) or is_system(user):
        return None
    return (
        Assignment.objects.valid_on(day)
        .filter(in_ancestors_q(cell, via="unit"), user=user)
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


def can_record_visit(user, meeting: Meeting, assignment: Assignment, day: dt.date) -> bool:
    """The visit's supervisor is the assignment's user, and it covers the meeting's cell on its day."""
    return (
        assignment.user_id == getattr(user, "pk", None)
        and is_in_subtree(meeting.cell.path, assignment.unit.path)
        and assignment.is_active_on(day)
    )


def visits_visible_to(user):
    if _superuser(user):
        return Visit.objects.all()
    return Visit.objects.filter(
        Q(cell__in=units_readable_by(user).values("pk")) | Q(supervisor=user)
        if getattr(user, "is_authenticated", False)
        else Q(pk__in=[])
    )


def recommendations_visible_to(user):
    return Recommendation.objects.filter(visit__in=visits_visible_to(user).values("pk"))


class VisitPolicy(VisibleFetchPolicy):
    """Visits are changed only by the supervisor who recorded them."""

    model = Visit
    not_found_message = NOT_FOUND_VISIT
    denied_message = ONLY_SUPERVISOR
    related = ("cell", "meeting", "supervisor", "assignment__member")

    def visible_qs(self, user):
        return visits_visible_to(user)

    def can_edit(self, user, obj: Visit) -> bool:
        return obj.supervisor_id == getattr(user, "pk", None)


class RecommendationPolicy(VisibleFetchPolicy):
    """The cell's leaders answer a recommendation; the visit's supervisor, or whoever follows the cell
    today (a successor), closes it."""

    model = Recommendation
    not_found_message = NOT_FOUND_RECOMMENDATION
    denied_message = ONLY_LEADERS
    related = ("cell", "visit__meeting", "visit__supervisor", "answered_by", "closed_by")

    def visible_qs(self, user):
        return recommendations_visible_to(user)

    def can_answer(self, user, obj: Recommendation) -> bool:
        return is_cell_leader(user, obj.cell)

    def can_close(self, user, obj: Recommendation) -> bool:
        if is_system(user) or obj.visit.supervisor_id == getattr(user, "pk", None):
            return True
        return covering_assignment(user, obj.cell, today()) is not None

    def can_edit(self, user, obj: Recommendation) -> bool:
        return self.can_answer(user, obj)

    def check_answer(self, user, obj: Recommendation) -> None:
        if not self.can_answer(user, obj):
            deny(ONLY_LEADERS)

    def check_close(self, user, obj: Recommendation) -> None:
        if not self.can_close(user, obj):
            deny(ONLY_CLOSER)


def can_manage(user, committee: Organisation) -> bool:
    """Assignments at a committee are made and ended by its staff (and those above)."""
    return is_system(user) or is_staff_of(user, committee)


def require_manage(user, committee: Organisation) -> None:
    if not can_manage(user, committee):
        deny(ONLY_STAFF)


def committees_managed_by(user):
    """Committees (not cells) where the user is staff: where they create assignments."""
    qs = Organisation.objects.exclude(kind=OrgKind.CELL)
    if _superuser(user):
        return qs
    paths = role_paths(user, (RoleKind.STAFF, RoleKind.ADMIN))
    return qs.filter(in_subtrees_q(paths)) if paths else qs.none()


def can_assign_at(user, org: Organisation) -> bool:
    """New assignments are made at a committee (never a cell) by its staff."""
    return org.kind != OrgKind.CELL and can_manage(user, org)


def require_assign_at(user, org: Organisation) -> None:
    if not can_assign_at(user, org):
        deny(ONLY_STAFF)


def get_committee_for_staff(user, pk) -> Organisation:
    """The committee of a new assignment: 404 if unseen, 403 for a cell or without staff rights there."""
    org = Organisation.objects.filter(pk=pk).first()
    if org is None or not can_see_unit(user, org):
        raise Http404("Không tìm thấy tổ chức.")
    require_assign_at(user, org)
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
    if _superuser(user):
        return Assignment.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Assignment.objects.none()
    return Assignment.objects.filter(Q(unit__in=orgs_readable_in_full(user).values("pk")) | Q(user=user))


class AssignmentPolicy(VisibleFetchPolicy):
    """An assignment is ended by the staff of the committee that made it."""

    model = Assignment
    not_found_message = NOT_FOUND_ASSIGNMENT
    denied_message = ONLY_STAFF
    related = ("unit", "committee", "user", "member")

    def visible_qs(self, user):
        return assignments_visible_to(user)

    def can_edit(self, user, obj: Assignment) -> bool:
        return can_manage(user, obj.committee)


visit = VisitPolicy()
recommendation = RecommendationPolicy()
assignment = AssignmentPolicy()
