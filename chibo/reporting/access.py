"""Who may see reporting's own objects and lists: report jobs, plans, the lists of people behind an
indicator. Dashboards of an organisation are seen by whoever sees it (orgs.access)."""

from django.db.models import Q, QuerySet

from chibo.common.access import Policy, deny, is_system
from chibo.orgs.access import (
    can_read_members_of,
    can_see_org,
    can_write_org,
    is_staff_of,
    orgs_visible_to,
    role_paths,
)
from chibo.orgs.models import Organisation, RoleKind, in_subtrees_q
from chibo.reporting.models import Plan, ReportJob

STAFF_ROLES = (RoleKind.STAFF, RoleKind.ADMIN)  # is_staff_of's roles
CELLS_HAVE_NO_PLAN = "Chi bộ thực hiện kế hoạch của cấp ủy cấp trên; chỉ cấp ủy mới ban hành kế hoạch."


class ReportJobPolicy(Policy[ReportJob]):
    """The person who asked for it, or committee staff over the organisation (who answer for its reports).
    A report is never edited, only seen (and downloaded)."""

    model = ReportJob
    not_found_message = "Không tìm thấy báo cáo."

    def visible_qs(self, user) -> QuerySet:
        if getattr(user, "is_superuser", False):
            return ReportJob.objects.all()
        own = Q(user_id=user.pk, org__in=orgs_visible_to(user).values("pk"))
        return ReportJob.objects.filter(own | in_subtrees_q(role_paths(user, STAFF_ROLES), via="org"))

    def fetch_qs(self) -> QuerySet:
        return ReportJob.objects.select_related("org", "user")

    def can_view(self, user, obj: ReportJob) -> bool:
        if is_system(user):
            return True
        if not can_see_org(user, obj.org):
            return False
        return obj.user_id == user.pk or is_staff_of(user, obj.org)

    def can_edit(self, user, obj: ReportJob) -> bool:
        return False


class PlanPolicy(Policy[Plan]):
    """A committee's plan: seen with its owner, changed by the owner's writers."""

    model = Plan
    not_found_message = "Không tìm thấy kế hoạch."
    denied_message = "Bạn không có quyền sửa dữ liệu của tổ chức này."

    def visible_qs(self, user) -> QuerySet:
        return Plan.objects.filter(owner__in=orgs_visible_to(user).values("pk"))

    def fetch_qs(self) -> QuerySet:
        return Plan.objects.select_related("owner").prefetch_related("targets")

    def can_view(self, user, obj: Plan) -> bool:
        return is_system(user) or can_see_org(user, obj.owner)

    def can_edit(self, user, obj: Plan) -> bool:
        return can_write_org(user, obj.owner)


report_job = ReportJobPolicy()
plan = PlanPolicy()

can_see_job = report_job.can_view
get_report_job_for_user = report_job.get_for_user


def can_create_plan(user, owner: Organisation) -> bool:
    return is_system(user) or (can_write_org(user, owner) and not owner.is_cell)


def require_create_plan(user, owner: Organisation) -> None:
    """Plans are issued by committees: a cell's writers are refused with the reason."""
    if is_system(user):
        return
    if not can_write_org(user, owner):
        deny(PlanPolicy.denied_message)
    if owner.is_cell:
        deny(CELLS_HAVE_NO_PLAN)


def can_read_people_lists(user, org: Organisation) -> bool:
    """The lists that name people (members without a task, …): readers of the members' records; a plain
    member sees the counts only."""
    return is_system(user) or can_read_members_of(user, org)


def require_people_lists(user, org: Organisation) -> None:
    if not can_read_people_lists(user, org):
        deny("Bạn không có quyền xem danh sách đảng viên của tổ chức này.")
