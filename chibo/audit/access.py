"""Who reads the change log: an organisation's subtree for its committee staff (orgs.access
`get_org_for_user(..., staff=True)`), the entries tied to no organisation for administrators only."""

from chibo.common.access import is_system, not_found


def can_read_system_audit(user) -> bool:
    # Nothing places these entries in anyone's subtree.
    return is_system(user) or bool(getattr(user, "is_superuser", False))


def require_system_audit(user) -> None:
    """Not an administrator: the page does not exist for them (404)."""
    if not can_read_system_audit(user):
        not_found("Không tìm thấy trang.")
