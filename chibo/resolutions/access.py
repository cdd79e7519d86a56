"""One access path for resolutions and tasks, through the cell (orgs.access): 404 invisible, 403 read-only.

Leaders and committee staff above see every task of the cells they read in full; a member sees the
resolutions of their own cell's meetings and their own tasks, and may update only their own tasks."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from chibo.meetings.access import meetings_visible_to
from chibo.orgs.access import can_read_members_of, can_write_org, orgs_readable_in_full
from chibo.resolutions.models import Resolution, Task

NOT_FOUND_TASK = "Không tìm thấy nhiệm vụ."
NOT_FOUND_RESOLUTION = "Không tìm thấy nghị quyết, kết luận."


def own_member(user):
    return getattr(user, "member", None) if getattr(user, "is_authenticated", False) else None


def tasks_visible_to(user):
    if getattr(user, "is_superuser", False):
        return Task.objects.all()
    in_scope = Q(cell__in=orgs_readable_in_full(user).values("pk"))
    member = own_member(user)
    return Task.objects.filter(in_scope | Q(member=member) if member else in_scope)


def resolutions_visible_to(user):
    return Resolution.objects.filter(meeting__in=meetings_visible_to(user).values("pk"))


def is_assignee(user, task: Task) -> bool:
    member = own_member(user)
    return member is not None and task.member_id == member.pk


def can_evaluate(user, task: Task) -> bool:
    return can_write_org(user, task.cell)


def get_task_for_user(user, pk, *, own: bool = False, evaluate: bool = False) -> Task:
    """`own`: the assignee (or the cell's leaders) may report progress; `evaluate`: only the cell's writers."""
    task = tasks_visible_to(user).select_related("cell", "member", "meeting").filter(pk=pk).first()
    if task is None:
        raise Http404(NOT_FOUND_TASK)
    if own and not (is_assignee(user, task) or can_write_org(user, task.cell)):
        raise PermissionDenied("Bạn chỉ được cập nhật nhiệm vụ của chính mình.")
    if evaluate and not can_evaluate(user, task):
        raise PermissionDenied("Bạn không có quyền đánh giá nhiệm vụ của chi bộ này.")
    return task


def get_resolution_for_user(user, pk, *, write: bool = False) -> Resolution:
    resolution = resolutions_visible_to(user).select_related("cell", "meeting").filter(pk=pk).first()
    if resolution is None:
        raise Http404(NOT_FOUND_RESOLUTION)
    if write and not can_write_org(user, resolution.cell):
        raise PermissionDenied("Bạn không có quyền sửa nghị quyết, kết luận của chi bộ này.")
    return resolution


def can_see_member_tasks(user, member) -> bool:
    """A member's task history: the member themself, or whoever reads a cell the tasks belong to."""
    if own_member(user) is not None and own_member(user).pk == member.pk:
        return True
    return tasks_visible_to(user).filter(member=member).exists() or any(
        can_read_members_of(user, m.cell) for m in member.memberships.select_related("cell")[:20]
    )
