"""Demo: one cell (not the showcase cell of `bithu` and `dangvien`) whose members have accounts waiting
for activation, so a newcomer can walk the path a real ward takes: staff print the slips, a member types
the code from a slip on the activation page."""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.urls import reverse

from chibo.accounts import services
from chibo.common.access import SYSTEM
from chibo.common.dates import today
from chibo.members.models import Member, Membership, MembershipKind
from chibo.orgs.models import Organisation, OrgKind


def pending_cell(result) -> Organisation | None:
    """The first cell of the first ward after the showcase cell: the demo staff (`canbo`) manage it."""
    if not result.ward_ids:
        return None
    ward = Organisation.objects.get(pk=result.ward_ids[0])
    return (
        Organisation.objects.subtree_of(ward)
        .filter(kind=OrgKind.CELL)
        .exclude(pk=result.showcase_cell_id)
        .order_by("path")
        .first()
    )


def seed(result, users) -> None:
    """Accounts for every member of that cell, not activated (no --no-accounts demo gets them)."""
    if not users:
        return
    cell = pending_cell(result)
    if cell is not None:
        services.accounts_create(org=cell, by=SYSTEM)


def example_lines() -> list[str]:
    """What `chibo demo` prints: the cell, where its slips are printed, and one ready code. Codes are
    stored hashed, so the example gets a fresh code each time this is printed."""
    member = (
        # Accounts made by accounts_create have codes; other demo users without a password have none.
        Member.objects.filter(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .filter(user__activation_codes__isnull=False)
        .filter(memberships__in=Membership.objects.valid_on(today()).filter(kind=MembershipKind.OFFICIAL))
        .order_by("pk")
        .distinct()
        .first()
    )
    if member is None:
        return []
    membership = (
        Membership.objects.valid_on(today()).filter(member=member, kind=MembershipKind.OFFICIAL).first()
    )
    cell = membership.cell
    slip = services.reset_slip_issue(member=member, by=SYSTEM)
    return [
        f"Tài khoản chờ kích hoạt: {cell.name} (mã {cell.code}); cán bộ (canbo) in phiếu ở "
        f"{reverse('accounts:org', args=[cell.pk])}",
        f"  - Thử kích hoạt ở {reverse('accounts:activate')}: số thẻ {slip.login}, mã {slip.code_shown} "
        f"({slip.name}, hạn {slip.expires_on:%d/%m/%Y})",
    ]
