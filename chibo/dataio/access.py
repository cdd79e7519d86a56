"""Who may import and export: committee staff, administrators and cell leaders, each within the
organisations they may write (orgs_writable_by); the import itself checks every row against that scope."""

from django.http import Http404

from chibo.common.access import deny, is_system
from chibo.dataio.models import ImportJob
from chibo.orgs.access import can_see_org, can_write_org, orgs_writable_by, role_orgs_of
from chibo.orgs.models import WRITE_ROLES, Organisation


def require_data_manager(user) -> None:
    if not (is_system(user) or orgs_writable_by(user).exists()):
        deny("Chỉ cán bộ cấp ủy và cấp ủy chi bộ được nhập, xuất dữ liệu.")


def get_export_org_for_user(user, code: str) -> Organisation:
    """The organisation named by its code in an export form: 404 unseen, 403 seen but not writable."""
    org = Organisation.objects.filter(code=code.strip()).first()
    if org is None or not can_see_org(user, org):
        raise Http404("Không tìm thấy tổ chức.")
    if not can_write_org(user, org):
        deny("Bạn không có quyền xuất dữ liệu của tổ chức này.")
    return org


def root_orgs_for(user):
    """The organisations a user's write roles are granted on: the natural roots of their exports."""
    if getattr(user, "is_superuser", False):
        return Organisation.objects.filter(parent__isnull=True)
    # Registry rights count: a secretary holding only a Position exports their cell.
    return role_orgs_of(user, WRITE_ROLES).order_by("path")


def get_job_for_user(user, pk) -> ImportJob:
    # A job holds a file of personal data: only the person who uploaded it sees it.
    job = ImportJob.objects.filter(pk=pk).first()
    if job is None or not (job.user_id == user.pk or getattr(user, "is_superuser", False)):
        raise Http404("Không tìm thấy lượt nhập dữ liệu.")
    return job
