"""The one access path: which organisations a user may see, and fetching an object for a user.

A role granted on an organisation covers its whole subtree. Not visible -> 404 (existence is not
revealed); visible but not writable -> 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from chibo.common.dates import today
from chibo.orgs.models import READ_ALL_ROLES, WRITE_ROLES, Organisation, OrgKind, Role, RoleKind


def _active_roles(user):
    if not getattr(user, "is_authenticated", False):
        return Role.objects.none()
    day = today()
    return Role.objects.filter(user=user).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_until__isnull=True) | Q(valid_until__gt=day),
    )


def _subtree_q(paths: list[str]) -> Q:
    # Keep only the top-most roots: a role lower in a subtree already covered adds nothing.
    roots = []
    for path in sorted(set(paths)):
        if not any(path.startswith(r) for r in roots):
            roots.append(path)
    q = Q(pk__in=[])
    for path in roots:
        org = Organisation(path=path)
        q |= Q(path__gte=path, path__lt=org.path_upper)
    return q


def _roles(user) -> list[tuple[str, str, str]]:
    """(role kind, organisation path, organisation kind) of the user's active roles: one query per
    request, kept on the user object (every page asks several questions of the same roles)."""
    if not hasattr(user, "_chibo_roles"):
        user._chibo_roles = list(
            _active_roles(user).values_list("role", "organisation__path", "organisation__kind")
        )
    return user._chibo_roles


def _role_paths(user, kinds=None) -> list[str]:
    return [path for role, path, _kind in _roles(user) if kinds is None or role in kinds]


def role_paths(user, kinds=None) -> list[str]:
    """Paths of the organisations where the user holds an active role (of these kinds): each covers its subtree."""
    return _role_paths(user, kinds)


def holds_role(user, kinds=None, *, above_cells: bool = False) -> bool:
    """Whether the user holds an active role (of these kinds; on a committee, not a cell, with
    `above_cells`), without a query once the request has read the roles."""
    return any(
        (kinds is None or role in kinds) and not (above_cells and org_kind == OrgKind.CELL)
        for role, _path, org_kind in _roles(user)
    )


def orgs_visible_to(user):
    """Every organisation a user may see: the subtrees of their roles (all of them for a superuser)."""
    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(_subtree_q(_role_paths(user)))


def orgs_readable_in_full(user):
    """Organisations whose member records the user may read (not just their own)."""
    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(_subtree_q(_role_paths(user, READ_ALL_ROLES)))


def orgs_writable_by(user):
    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(_subtree_q(_role_paths(user, WRITE_ROLES)))


def _covers(paths: list[str], org_path: str) -> bool:
    return any(org_path.startswith(p) for p in paths)


def can_see_org(user, org: Organisation) -> bool:
    return getattr(user, "is_superuser", False) or _covers(_role_paths(user), org.path)


def can_read_members_of(user, org: Organisation) -> bool:
    return getattr(user, "is_superuser", False) or _covers(_role_paths(user, READ_ALL_ROLES), org.path)


def can_write_org(user, org: Organisation) -> bool:
    return getattr(user, "is_superuser", False) or _covers(_role_paths(user, WRITE_ROLES), org.path)


def is_staff_of(user, org: Organisation) -> bool:
    """Committee staff or administrator on an ancestor: may read the audit log and run imports."""
    return getattr(user, "is_superuser", False) or _covers(
        _role_paths(user, (RoleKind.STAFF, RoleKind.ADMIN)), org.path
    )


def writable_parents(user):
    """Where the user may create or move a unit to: writable organisations that are not cells."""
    return orgs_writable_by(user).exclude(kind=OrgKind.CELL)


def writable_cells(user):
    """Cells the user may put members into (create, transfer, temporary membership, positions)."""
    return orgs_writable_by(user).filter(kind=OrgKind.CELL)


def visible_ancestors(user, org: Organisation):
    """The breadcrumb: ancestors the user may see (the part of the tree above their roles is hidden)."""
    return orgs_visible_to(user).filter(path__in=org.ancestor_paths()).order_by("depth")


def can_move_org(user, org: Organisation) -> bool:
    """A unit is moved by whoever manages its current parent (a cell leader cannot move their own cell)."""
    return org.parent is not None and can_write_org(user, org.parent)


def get_org_for_user(
    user,
    pk,
    *,
    write: bool = False,
    read_members: bool = False,
    staff: bool = False,
    move: bool = False,
) -> Organisation:
    """The organisation, or 404 if the user may not see it; 403 if they may see it but need more:
    `write` to change it, `read_members` for its members' records, `staff` for its audit log,
    `move` to put it under another parent."""
    org = Organisation.objects.select_related("parent").filter(pk=pk).first()
    if org is None or not can_see_org(user, org):
        raise Http404("Không tìm thấy tổ chức.")
    if write and not can_write_org(user, org):
        raise PermissionDenied("Bạn không có quyền sửa dữ liệu của tổ chức này.")
    if read_members and not can_read_members_of(user, org):
        raise PermissionDenied("Bạn không có quyền xem hồ sơ đảng viên của tổ chức này.")
    if staff and not is_staff_of(user, org):
        raise PermissionDenied("Chỉ cán bộ cấp ủy mới xem được nhật ký thay đổi.")
    if move and not can_move_org(user, org):
        raise PermissionDenied("Chỉ cấp ủy quản lý cấp trên hiện tại mới chuyển được tổ chức này.")
    return org
