"""Who may see and change courses and participations (chibo/common/access.py verbs, through orgs.access).

A course concerns its organiser's subtree: it is seen by users whose roles lie in that subtree or above
it (never by a sibling branch). Its participants are seen only where their cell is visible to the user.
The organiser's writers change the course; a participant's row is changed by the writers of their cell
(the organiser's writers cover it too). Organising a course at a unit and enrolling members from a cell
both need write rights there.
"""

from functools import reduce
from operator import or_

from django.db.models import Q

from chibo.common.access import Policy, deny, is_system
from chibo.orgs.access import (
    can_see_org,
    can_write_org,
    get_org_for_user,
    orgs_visible_to,
    orgs_writable_by,
    role_paths,
)
from chibo.orgs.models import Organisation, in_ancestors_q, is_in_subtree
from chibo.training.models import Course, Participation

COURSE_EDIT_DENIED = "Chỉ cấp ủy tổ chức lớp mới sửa được lớp này."
PARTICIPANT_DENIED = "Bạn không có quyền cập nhật học viên của chi bộ này."
ORGANISE_DENIED = "Bạn không có quyền tổ chức lớp bồi dưỡng."
ORGANISER_DENIED = "Bạn không có quyền tổ chức lớp bồi dưỡng ở cấp ủy này."


def _superuser(user) -> bool:
    return is_system(user) or bool(getattr(user, "is_superuser", False))


def _above_roles_q(user) -> Q:
    """Courses organised at or above one of the user's roles: they concern the user."""
    return reduce(or_, (in_ancestors_q(p, via="organiser") for p in role_paths(user)), Q(pk__in=[]))


class CoursePolicy(Policy[Course]):
    model = Course
    not_found_message = "Không tìm thấy lớp bồi dưỡng."
    denied_message = COURSE_EDIT_DENIED

    def fetch_qs(self):
        return Course.objects.select_related("organiser")

    def visible_qs(self, user):
        if _superuser(user):
            return Course.objects.all()
        return Course.objects.filter(
            Q(organiser__in=orgs_visible_to(user).values("pk")) | _above_roles_q(user)
        )

    def can_view(self, user, obj: Course) -> bool:
        if _superuser(user) or can_see_org(user, obj.organiser):
            return True
        # Organised at or above one of the user's roles (the same rule as _above_roles_q).
        return any(is_in_subtree(path, obj.organiser.path) for path in role_paths(user))

    def can_edit(self, user, obj: Course) -> bool:
        return _superuser(user) or can_write_org(user, obj.organiser)

    def can_enrol(self, user, obj: Course) -> bool:
        """The enrol form: the organiser's writers, or writers of a unit inside the organiser's subtree."""
        if self.can_edit(user, obj):
            return True
        return organiser_choices(user).subtree_of(obj.organiser).exists()


class ParticipationPolicy(Policy[Participation]):
    model = Participation
    not_found_message = "Không tìm thấy học viên."
    denied_message = PARTICIPANT_DENIED

    def fetch_qs(self):
        return Participation.objects.select_related("course__organiser", "member", "cell")

    def visible_qs(self, user):
        return self.in_course(user, None)

    def in_course(self, user, of: Course | None):
        """The participants the user sees (of one course, already checked visible, when given)."""
        qs = Participation.objects.all() if of is None else of.participations.all()
        if _superuser(user):
            return qs
        if of is None:
            qs = qs.filter(course__in=course.visible_qs(user).values("pk"))
        return qs.filter(cell__in=orgs_visible_to(user).values("pk"))

    def can_view(self, user, obj: Participation) -> bool:
        return _superuser(user) or (course.can_view(user, obj.course) and can_see_org(user, obj.cell))

    def can_edit(self, user, obj: Participation) -> bool:
        return can_enrol_from(user, obj.cell)


course = CoursePolicy()
participation = ParticipationPolicy()


# --- rules not about one course ------------------------------------------------------------------------


def organiser_choices(user):
    """Where the user may organise a course: organisations they write."""
    return orgs_writable_by(user).order_by("path")


def can_organise(user, org: Organisation | None = None) -> bool:
    """At `org`, or (without one) anywhere: the list's "add" button, the create page."""
    if _superuser(user):
        return True
    return can_write_org(user, org) if org is not None else organiser_choices(user).exists()


def require_organise(user, org: Organisation | None = None) -> None:
    if not can_organise(user, org):
        deny(ORGANISER_DENIED if org is not None else ORGANISE_DENIED)


def get_organiser_for_user(user, pk) -> Organisation:
    """The organiser named by an API payload: 404 when not even visible, 403 when not writable."""
    org = get_org_for_user(user, pk)
    require_organise(user, org)
    return org


def can_enrol_from(user, cell: Organisation) -> bool:
    """A cell's writers enrol its members and record their status."""
    return _superuser(user) or can_write_org(user, cell)


def require_enrol_from(user, cell: Organisation) -> None:
    if not can_enrol_from(user, cell):
        deny(PARTICIPANT_DENIED)
