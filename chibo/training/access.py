"""Scoping of courses and participations through the one access path (chibo/orgs/access.py).

A course concerns its organiser's subtree: it is seen by users whose roles lie in that subtree or above
it (never by a sibling branch). Its participants are seen only where their cell is visible to the user.
The organiser's writers change the course; a participant's row is changed by the writers of their cell
(the organiser's writers cover it too).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from chibo.orgs.access import can_see_org, can_write_org, orgs_visible_to, orgs_writable_by, role_paths
from chibo.orgs.models import SEGMENT
from chibo.training.models import Course, Participation

COURSE_EDIT_DENIED = "Chỉ cấp ủy tổ chức lớp mới sửa được lớp này."
PARTICIPANT_DENIED = "Bạn không có quyền cập nhật học viên của chi bộ này."


def _ancestor_paths(user) -> set[str]:
    """Paths at or above the user's roles: their organisers' courses concern the user."""
    out = set()
    for path in role_paths(user):
        out |= {path[:end] for end in range(SEGMENT, len(path) + 1, SEGMENT)}
    return out


def courses_visible_to(user):
    if getattr(user, "is_superuser", False):
        return Course.objects.all()
    return Course.objects.filter(
        Q(organiser__in=orgs_visible_to(user).values("pk")) | Q(organiser__path__in=_ancestor_paths(user))
    )


def can_see_course(user, course: Course) -> bool:
    if can_see_org(user, course.organiser):
        return True
    return getattr(user, "is_superuser", False) or course.organiser.path in _ancestor_paths(user)


def get_course_for_user(user, pk, *, write: bool = False) -> Course:
    course = Course.objects.select_related("organiser").filter(pk=pk).first()
    if course is None or not can_see_course(user, course):
        raise Http404("Không tìm thấy lớp bồi dưỡng.")
    if write and not can_write_org(user, course.organiser):
        raise PermissionDenied(COURSE_EDIT_DENIED)
    return course


def participations_visible_to(user, course: Course):
    qs = course.participations.all()
    if getattr(user, "is_superuser", False):
        return qs
    return qs.filter(cell__in=orgs_visible_to(user).values("pk"))


def get_participation_for_user(user, pk, *, write: bool = False) -> Participation:
    p = Participation.objects.select_related("course__organiser", "member", "cell").filter(pk=pk).first()
    if p is None or not can_see_course(user, p.course) or not can_see_org(user, p.cell):
        raise Http404("Không tìm thấy học viên.")
    if write and not can_write_org(user, p.cell):
        raise PermissionDenied(PARTICIPANT_DENIED)
    return p


def organiser_choices(user):
    """Where the user may organise a course: organisations they write."""
    return orgs_writable_by(user).order_by("path")
