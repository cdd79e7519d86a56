from chibo.orgs.access import role_paths
from chibo.orgs.models import RoleKind

# Rights above a member's: a new slip for such an account would hand them to whoever issues it.
HIGH_ROLES = (RoleKind.STAFF, RoleKind.SUPERVISOR, RoleKind.ADMIN)


def can_reset_account(by, account) -> bool:
    """Whether `by` may issue a new slip for `account` (whose member they may already write): an account
    holding staff, supervisor or administrator rights only by an administrator, or by staff of an
    organisation covering each of those rights."""
    if getattr(by, "is_superuser", False):
        return True
    if account is None:
        return True
    if account.is_superuser:
        return False
    high = role_paths(account, HIGH_ROLES)
    if not high:
        return True
    mine = role_paths(by, (RoleKind.STAFF, RoleKind.ADMIN))
    return all(any(path.startswith(p) for p in mine) for path in high)
