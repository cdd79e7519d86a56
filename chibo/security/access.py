"""Who must pass a second factor, and whose account a staff member may act on (unlock, log out)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404

from chibo.members.selectors import user_org_paths
from chibo.orgs.access import holds_role, role_paths
from chibo.orgs.models import Organisation, RoleKind, is_in_subtree

REQUIRED_ROLES = (RoleKind.STAFF, RoleKind.SUPERVISOR, RoleKind.ADMIN)
MANAGING_ROLES = (RoleKind.STAFF, RoleKind.ADMIN)


def second_factor_required(user) -> bool:
    """Staff, supervisors and administrators (and superusers) must pass a second factor."""
    if not settings.CHIBO_REQUIRE_2FA or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or holds_role(user, REQUIRED_ROLES)


def _manages_paths(staff) -> list[str] | None:
    """The subtrees a staff member manages accounts in (None: all, for a superuser)."""
    if staff.is_superuser:
        return None
    return role_paths(staff, MANAGING_ROLES)


def can_manage_accounts(staff) -> bool:
    return bool(staff.is_superuser) or holds_role(staff, MANAGING_ROLES)


def require_account_manager(user) -> None:
    """The staff pages on accounts (locks, sessions): not a manager, the page does not exist (404)."""
    if not can_manage_accounts(user):
        raise Http404("Không tìm thấy trang.")


def _inside(path: str, roots: list[str]) -> bool:
    return any(is_in_subtree(path, root) for root in roots)


def manages_user(staff, target) -> bool:
    """The target's member is in the staff member's subtree, or all the target's roles are inside it."""
    roots = _manages_paths(staff)
    if roots is None:
        return True
    if not roots or target.is_superuser:
        return False
    cell_path, paths = user_org_paths(target)
    if cell_path and _inside(cell_path, roots):
        return True
    return bool(paths) and all(_inside(p, roots) for p in paths)


def get_user_for_staff(staff, pk):
    """The account, or 404 when the staff member does not manage it (existence is not revealed)."""
    target = get_user_model().objects.filter(pk=pk).first()
    if target is None or not can_manage_accounts(staff) or not manages_user(staff, target):
        raise Http404("Không tìm thấy tài khoản.")
    return target


def users_in_scope(staff):
    """Accounts the staff member manages (a superset query, narrowed exactly by `manages_user`)."""
    User = get_user_model()
    roots = _manages_paths(staff)
    if roots is None:
        return User.objects.all()
    orgs = Organisation.objects.subtrees_of(roots)
    return User.objects.filter(
        Q(member__memberships__cell__in=orgs) | Q(chibo_roles__organisation__in=orgs)
    ).distinct()


def second_factor_gate(request) -> str | None:
    """Where to send a user before a sensitive step (an API token) if this session has not passed a
    second factor: to verify it when they have one, to set one up when they have none and 2FA is on."""
    from chibo.security.services import has_second_factor

    user = request.user
    if user.is_verified():
        return None
    if has_second_factor(user):
        return "security:verify"
    if settings.CHIBO_REQUIRE_2FA:
        return "security:setup"
    return None
