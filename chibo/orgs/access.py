"""The one access path: which organisations a user may see, and fetching an object for a user.

A role granted on an organisation covers its whole subtree. Not visible -> 404 (existence is not
revealed); visible but not writable -> 403.

A user's rights on a day are the grant rows (`Role`) valid that day plus the rights derived from the
registry by the sources registered in orgs.rights (members: a membership gives the member right on its
cell, a position the cell-leader right), read in one UNION query per request (`_roles`).
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404

from chibo.common.access import Policy, deny, is_system, not_found
from chibo.common.dates import today
from chibo.orgs.models import (
    GRANTABLE_ROLES,
    READ_ALL_ROLES,
    ROLE_RANK,
    WRITE_ROLES,
    Organisation,
    OrgKind,
    Role,
    RoleKind,
    ancestor_paths_of,
    in_ancestors_q,
    in_subtrees_q,
    is_in_subtree,
)
from chibo.orgs.rights import right_sources


def _active_roles(user, day=None):
    if not getattr(user, "is_authenticated", False):
        return Role.objects.none()
    return Role.objects.valid_on(day or today()).filter(user=user)


def _rights_query(user, day):
    """Grant rows ∪ the rights every registered source derives from the registry: one query."""
    qs = _active_roles(user, day).values_list("role", "organisation__path", "organisation__kind").order_by()
    derived = [qs for source in right_sources() for qs in source.for_user(user.pk, day)]
    return qs.union(*derived, all=True) if derived else qs


def rights_on(user, day) -> list[tuple[str, str, str]]:
    """(role kind, organisation path, organisation kind) the user holds on `day`, grants and derived
    rights alike (today's are read once per request and kept on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if day == today():
        return _roles(user)
    return list(_rights_query(user, day))


def _subtree_q(paths: list[str]) -> Q:
    return in_subtrees_q(paths)


def _roles(user) -> list[tuple[str, str, str]]:
    """(role kind, organisation path, organisation kind) of the user's active roles: one query per
    request, kept on the user object (every page asks several questions of the same roles)."""
    if not hasattr(user, "_chibo_roles"):
        if not getattr(user, "is_authenticated", False):
            return []
        user._chibo_roles = list(_rights_query(user, today()))
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


def holds_role_on(user, org: Organisation, kinds=None, *, day=None, strict: bool = False) -> bool:
    """Whether the user holds a right (of these kinds) on `org` or an ancestor on `day` (today by
    default); with `strict`, on a strict ancestor only (the upper level, not the unit itself).
    Grants and registry rights alike; a superuser holds nothing here (callers decide about them)."""
    paths = ancestor_paths_of(org.path)[:-1] if strict else ancestor_paths_of(org.path)
    return any(
        (kinds is None or role in kinds) and path in paths
        for role, path, _kind in rights_on(user, day or today())
    )


def role_orgs_of(user, kinds=None):
    """The organisations where the user holds a right (of these kinds) today, grants and derived alike."""
    return Organisation.objects.filter(path__in=set(_role_paths(user, kinds)))


def users_holding(org: Organisation, kinds, *, day=None, ancestors: bool = True):
    """Users who hold a right of `kinds` on `org` (or, with `ancestors`, on an ancestor: those whose
    right covers it) on `day`: grant rows and registry rights (a secretary holding only a Position
    counts the same as a cell-leader row). Pass day=None for today."""
    day = day or today()
    paths = ancestor_paths_of(org.path) if ancestors else [org.path]
    q = Q(
        pk__in=Role.objects.valid_on(day)
        .filter(role__in=kinds, organisation__path__in=paths)
        .values("user_id")
    )
    for source in right_sources():
        for ids in source.holders(tuple(kinds), paths, day):
            q |= Q(pk__in=ids)
    return get_user_model().objects.filter(q)


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


def registering_org_of(user) -> Organisation | None:
    """The organisation that records a user creates without a place of their own (a member imported
    before any membership) are registered to: the top-most organisation the user writes, the first by
    path when there are several. None for a superuser or the command line (they see everything)."""
    if getattr(user, "is_superuser", False) or user is None:
        return None
    paths = _role_paths(user, WRITE_ROLES)
    if not paths:
        return None
    return Organisation.objects.filter(path=min(paths, key=lambda p: (len(p), p))).first()


def orgs_writable_by(user):
    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(_subtree_q(_role_paths(user, WRITE_ROLES)))


def _covers(paths: list[str], org_path: str) -> bool:
    return any(is_in_subtree(org_path, p) for p in paths)


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
    return orgs_visible_to(user).filter(in_ancestors_q(org)).order_by("depth")


def can_move_org(user, org: Organisation) -> bool:
    """A unit is moved by whoever manages its current parent (a cell leader cannot move their own cell)."""
    return org.parent is not None and can_write_org(user, org.parent)


class OrgPolicy(Policy[Organisation]):
    """Seeing an organisation (its subtree of the user's roles) and changing its data (write roles)."""

    model = Organisation
    not_found_message = "Không tìm thấy tổ chức."
    denied_message = "Bạn không có quyền sửa dữ liệu của tổ chức này."

    def visible_qs(self, user):
        return orgs_visible_to(user)

    def fetch_qs(self):
        return Organisation.objects.select_related("parent")

    def can_view(self, user, obj: Organisation) -> bool:
        return is_system(user) or can_see_org(user, obj)

    def can_edit(self, user, obj: Organisation) -> bool:
        return is_system(user) or can_write_org(user, obj)


organisations = OrgPolicy()


def require_read_members(user, org: Organisation) -> None:
    if not (is_system(user) or can_read_members_of(user, org)):
        deny("Bạn không có quyền xem hồ sơ đảng viên của tổ chức này.")


def require_staff(
    user, org: Organisation, message: str = "Chỉ cán bộ cấp ủy mới xem được nhật ký thay đổi."
) -> None:
    """Committee staff or administrator over `org` (audit log, accounts, imports); `message` says what for."""
    if not (is_system(user) or is_staff_of(user, org)):
        deny(message)


def require_move(user, org: Organisation) -> None:
    if not (is_system(user) or can_move_org(user, org)):
        deny("Chỉ cấp ủy quản lý cấp trên hiện tại mới chuyển được tổ chức này.")


def require_move_to(user, new_parent: Organisation) -> None:
    """A unit goes only under a parent that the mover writes too."""
    if not (is_system(user) or can_write_org(user, new_parent)):
        deny(f"Bạn không có quyền chuyển tổ chức vào {new_parent.name}.")


def can_create_org(user, parent: Organisation | None) -> bool:
    """A unit is created under a parent its writers manage; a top-level one only by an administrator."""
    if is_system(user) or getattr(user, "is_superuser", False):
        return True
    return parent is not None and can_write_org(user, parent)


def require_create_org(user, parent: Organisation | None) -> None:
    if not can_create_org(user, parent):
        if parent is None:
            deny("Chỉ quản trị mới thêm được tổ chức cấp cao nhất.")
        deny(f"Bạn không có quyền thêm tổ chức trực thuộc {parent.name}.")


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
    found = organisations.get_for_user(user, pk, write=write)
    if read_members:
        require_read_members(user, found)
    if staff:
        require_staff(user, found)
    if move:
        require_move(user, found)
    return found


# --- rights: who may see and grant them ---------------------------------------------------------------


def grantable_roles(user, org: Organisation) -> list[str]:
    """The rights the user may grant (or revoke) on `org`: an administrator (superuser, or ADMIN covering
    it) gives every grantable right; staff of the organisation or an ancestor give supervisor and staff.
    Nobody gives a right above their own (supervisor < staff < admin)."""
    if getattr(user, "is_superuser", False):
        rank = ROLE_RANK[RoleKind.ADMIN]
    else:
        held = [ROLE_RANK[RoleKind(role)] for role, path, _k in _roles(user) if is_in_subtree(org.path, path)]
        rank = max((r for r in held if r >= ROLE_RANK[RoleKind.STAFF]), default=-1)
    return [kind for kind in GRANTABLE_ROLES if ROLE_RANK[kind] <= rank]


def can_read_rights(user, org: Organisation) -> bool:
    """The rights page: staff and administrators of the organisation or above; supervisors read it."""
    return getattr(user, "is_superuser", False) or _covers(
        _role_paths(user, (RoleKind.STAFF, RoleKind.ADMIN, RoleKind.SUPERVISOR)), org.path
    )


def require_read_rights(user, org: Organisation) -> None:
    if not (is_system(user) or can_read_rights(user, org)):
        deny("Chỉ cán bộ cấp ủy, quản trị và cấp ủy viên phụ trách mới xem được quyền hạn.")


def get_org_for_rights(user, pk, *, grant: bool = False) -> Organisation:
    """The organisation for its rights page: 404 if unseen, 403 if seen without reading rights
    (a cell leader, a member) or, with `grant`, without a right to grant there."""
    found = get_org_for_user(user, pk)
    require_read_rights(user, found)
    if grant and not grantable_roles(user, found):
        deny("Chỉ quản trị hoặc cán bộ cấp ủy của tổ chức này hay cấp trên mới trao được quyền.")
    return found


def check_grant(by, organisation: Organisation, role: str) -> None:
    """What role_grant and role_revoke check, whoever calls them: 404 outside `by`'s view, 403 without a
    right to grant there or for a right above `by`'s own."""
    if is_system(by):
        return
    if not can_see_org(by, organisation):
        not_found("Không tìm thấy tổ chức.")
    allowed = grantable_roles(by, organisation)
    if not allowed:
        deny("Bạn không có quyền trao hay thu hồi quyền trên tổ chức này.")
    if role not in allowed:
        deny(f"Bạn không thể trao hay thu hồi quyền {RoleKind(role).label.lower()}: cao hơn quyền của bạn.")


def _outranks(user, role: Role) -> bool:
    allowed = grantable_roles(user, role.organisation)
    return bool(allowed) and ROLE_RANK[RoleKind(role.role)] <= max(ROLE_RANK[RoleKind(k)] for k in allowed)


def get_role_for_user(user, pk, *, revoke: bool = False, within: Organisation | None = None) -> Role:
    """A grant row: 404 unless the user reads rights of its organisation (and, given `within`, it lies in
    that organisation's subtree); 403 to revoke it without the rank to grant it."""
    role = Role.objects.select_related("organisation", "user").filter(pk=pk).first()
    if (
        role is None
        or not (can_see_org(user, role.organisation) and can_read_rights(user, role.organisation))
        or (within is not None and not within.contains(role.organisation))
    ):
        raise Http404("Không tìm thấy quyền được trao.")
    if revoke and not (is_system(user) or _outranks(user, role)):
        deny("Bạn không thể thu hồi quyền cao hơn quyền của mình.")
    return role
