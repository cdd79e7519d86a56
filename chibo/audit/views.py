from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from chibo.audit.models import AuditEntry
from chibo.common.paging import paginate
from chibo.orgs.access import get_org_for_user, is_staff_of


def org_audit(request, org_pk: int):
    """The change log of an organisation's subtree, for its committee staff."""
    org = get_org_for_user(request.user, org_pk)
    if not is_staff_of(request.user, org):
        raise PermissionDenied("Chỉ cán bộ cấp ủy mới xem được nhật ký thay đổi.")
    entries = AuditEntry.objects.filter(org_path__gte=org.path, org_path__lt=org.path_upper).select_related(
        "user"
    )
    return render(request, "audit/list.html", {"org": org, "page": paginate(request, entries)})
