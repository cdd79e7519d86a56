"""Who may see and change resolutions and tasks (chibo/common/access.py verbs), through the cell
(orgs.access): 404 invisible, 403 visible but not allowed.

Leaders and committee staff above see every task of the cells they read in full; a member sees the
resolutions of their own cell's meetings and their own tasks, and may report only on their own tasks.
A draft resolution's text is for the cell's writers; a meeting's tasks (and its T5 coverage) for those
who read the cell's members.

`resolution` (ResolutionPolicy) and `task` (TaskPolicy) for one object; `can_read_meeting_tasks`,
`can_assign_at` and `can_see_member_tasks` (each with its `require_...`) for the rest."""

from django.db.models import Q

from chibo.common.access import VisibleFetchPolicy, deny, is_system
from chibo.meetings.access import meetings_visible_to
from chibo.meetings.models import Meeting
from chibo.orgs.access import can_read_members_of, can_write_org, orgs_readable_in_full
from chibo.resolutions.models import Resolution, Task

NOT_FOUND_TASK = "Không tìm thấy nhiệm vụ."
NOT_FOUND_RESOLUTION = "Không tìm thấy nghị quyết, kết luận."
RESOLUTION_EDIT_DENIED = "Bạn không có quyền sửa nghị quyết, kết luận của chi bộ này."
DRAFT_HIDDEN = "Văn bản đang là dự thảo, chưa được chi bộ thông qua; chỉ cấp ủy chi bộ xem, tải được."
TASK_EDIT_DENIED = "Bạn không có quyền sửa nhiệm vụ của chi bộ này."
REPORT_DENIED = "Bạn chỉ được cập nhật nhiệm vụ của chính mình."
EVALUATE_DENIED = "Bạn không có quyền đánh giá nhiệm vụ của chi bộ này."
TASKS_HIDDEN = (
    "Nhiệm vụ giao cho đảng viên chỉ cấp ủy chi bộ, cán bộ cấp ủy và cấp ủy viên phụ trách xem được."
)
ASSIGN_DENIED = "Bạn không có quyền giao nhiệm vụ ở chi bộ này."
MEMBER_TASKS_HIDDEN = "Bạn không có quyền xem nhiệm vụ của đảng viên này."


def own_member(user):
    return getattr(user, "member", None) if getattr(user, "is_authenticated", False) else None


def _superuser(user) -> bool:
    return is_system(user) or bool(getattr(user, "is_superuser", False))


def _writes(user, cell) -> bool:
    return _superuser(user) or can_write_org(user, cell)


def tasks_visible_to(user):
    if _superuser(user):
        return Task.objects.all()
    in_scope = Q(cell__in=orgs_readable_in_full(user).values("pk"))
    member = own_member(user)
    return Task.objects.filter(in_scope | Q(member=member) if member else in_scope)


def resolutions_visible_to(user):
    if _superuser(user):
        return Resolution.objects.all()
    return Resolution.objects.filter(meeting__in=meetings_visible_to(user).values("pk"))


def is_assignee(user, task: Task) -> bool:
    member = own_member(user)
    return member is not None and task.member_id == member.pk


class TaskPolicy(VisibleFetchPolicy):
    """The cell's writers correct and evaluate a task; its assignee (or the writers) report progress."""

    model = Task
    not_found_message = NOT_FOUND_TASK
    denied_message = TASK_EDIT_DENIED
    related = ("cell", "member", "meeting")

    def visible_qs(self, user):
        return tasks_visible_to(user)

    def can_edit(self, user, obj: Task) -> bool:
        return _writes(user, obj.cell)

    def can_report(self, user, obj: Task) -> bool:
        return is_assignee(user, obj) or _writes(user, obj.cell)

    def check_report(self, user, obj: Task) -> None:
        if not self.can_report(user, obj):
            deny(REPORT_DENIED)

    def can_evaluate(self, user, obj: Task) -> bool:
        return _writes(user, obj.cell)

    def check_evaluate(self, user, obj: Task) -> None:
        if not self.can_evaluate(user, obj):
            deny(EVALUATE_DENIED)


class ResolutionPolicy(VisibleFetchPolicy):
    """Whoever sees the meeting sees its resolution; the cell's writers draft and approve it, and only
    they read it while it is a draft."""

    model = Resolution
    not_found_message = NOT_FOUND_RESOLUTION
    denied_message = RESOLUTION_EDIT_DENIED
    related = ("cell", "meeting")

    def visible_qs(self, user):
        return resolutions_visible_to(user)

    def can_edit(self, user, obj: Resolution) -> bool:
        return _writes(user, obj.cell)

    def can_read_text(self, user, obj: Resolution) -> bool:
        return obj.is_locked or self.can_edit(user, obj)

    def check_read_text(self, user, obj: Resolution) -> None:
        if not self.can_read_text(user, obj):
            deny(DRAFT_HIDDEN)


task = TaskPolicy()
resolution = ResolutionPolicy()


# --- rules not about one task or resolution --------------------------------------------------------------


def can_read_meeting_tasks(user, meeting: Meeting) -> bool:
    """The tasks given at a meeting name the cell's members: for those who read its member records."""
    return _superuser(user) or can_read_members_of(user, meeting.cell)


def require_read_meeting_tasks(user, meeting: Meeting) -> None:
    if not can_read_meeting_tasks(user, meeting):
        deny(TASKS_HIDDEN)


def can_assign_at(user, meeting: Meeting) -> bool:
    """Tasks are given, and the resolution drafted, by the writers of the meeting's cell."""
    return _writes(user, meeting.cell)


def require_assign_at(user, meeting: Meeting) -> None:
    if not can_assign_at(user, meeting):
        deny(ASSIGN_DENIED)


def can_see_member_tasks(user, member) -> bool:
    """A member's task history: the member themself, or whoever reads a cell the tasks belong to."""
    if _superuser(user):
        return True
    me = own_member(user)
    if me is not None and me.pk == member.pk:
        return True
    return tasks_visible_to(user).filter(member=member).exists() or any(
        can_read_members_of(user, m.cell) for m in member.memberships.select_related("cell")[:20]
    )


def require_see_member_tasks(user, member) -> None:
    if not can_see_member_tasks(user, member):
        deny(MEMBER_TASKS_HIDDEN)
