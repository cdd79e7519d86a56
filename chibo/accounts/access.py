"""Who may see, create and reissue members' accounts: staff of the organisation or above manage them (create,
print slips, issue a new slip); cell leaders see their cell's page. Views, API, the shell command and the
services all ask these functions."""

from chibo.common.access import deny, is_system
from chibo.members.access import member as member_policy
from chibo.members.models import Member
from chibo.orgs.access import can_write_org, is_staff_of, role_paths
from chibo.orgs.models import Organisation, RoleKind, is_in_subtree

# Rights above a member's: a new slip for such an account would hand them to whoever issues it.
HIGH_ROLES = (RoleKind.STAFF, RoleKind.SUPERVISOR, RoleKind.ADMIN)
STAFF_ONLY = "Chỉ cán bộ cấp ủy của tổ chức này hoặc cấp trên mới tạo tài khoản và in phiếu được."


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
    return all(any(is_in_subtree(path, p) for p in mine) for path in high)


def can_manage_accounts(user, org: Organisation) -> bool:
    """Create accounts and print slips for the members of `org`'s subtree."""
    return is_system(user) or is_staff_of(user, org)


def require_manage_accounts(user, org: Organisation) -> None:
    if not can_manage_accounts(user, org):
        deny(STAFF_ONLY)


def can_view_accounts(user, org: Organisation) -> bool:
    """The accounts page of an organisation: its staff, and the cell's own leaders."""
    return can_manage_accounts(user, org) or can_write_org(user, org)


def require_view_accounts(user, org: Organisation) -> None:
    if not can_view_accounts(user, org):
        deny("Chỉ cán bộ cấp ủy và cấp ủy chi bộ mới xem được tài khoản của đảng viên.")


def can_issue_slip(by, member: Member) -> bool:
    """A new slip for one member: whoever may change the member's record, within `can_reset_account`."""
    return is_system(by) or (member_policy.can_edit(by, member) and can_reset_account(by, member.user))


def require_issue_slip(by, member: Member) -> None:
    """The 403 of a new slip, for someone who may see the member (fetch it through the member policy)."""
    member_policy.check_edit(by, member)
    if not can_issue_slip(by, member):
        deny(
            "Tài khoản này có quyền của cán bộ cấp ủy: chỉ cán bộ cấp trên hoặc quản trị mới cấp phiếu mới được."
        )
