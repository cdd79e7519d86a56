from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404

from chibo.common.dates import today
from chibo.members.models import Exemption, Member, Membership, Position
from chibo.orgs.access import can_read_members_of, can_write_org, orgs_readable_in_full, orgs_writable_by


def members_visible_to(user):
    """Members with a membership (now or in the past) in an organisation whose records the user may read,
    plus the user's own record."""
    if getattr(user, "is_superuser", False):
        return Member.objects.all()
    in_scope = Membership.objects.filter(
        member=OuterRef("pk"), cell__in=orgs_readable_in_full(user).values("pk")
    )
    qs = Member.objects.filter(Exists(in_scope))
    own = getattr(user, "member", None) if getattr(user, "is_authenticated", False) else None
    if own is not None:
        qs = qs | Member.objects.filter(pk=own.pk)
    return qs


def can_write_member(user, member: Member) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    writable = orgs_writable_by(user).values("pk")
    return Membership.objects.valid_on(today()).filter(member=member, cell__in=writable).exists()


def get_member_for_user(user, pk, *, write: bool = False) -> Member:
    member = members_visible_to(user).filter(pk=pk).first()
    if member is None:
        raise Http404("Không tìm thấy đảng viên.")
    if write and not can_write_member(user, member):
        raise PermissionDenied("Bạn không có quyền sửa hồ sơ đảng viên này.")
    return member


def get_position_for_user(user, pk, *, write: bool = False) -> Position:
    """A position is the cell's business: seen by those who read the cell's members, changed by its writers."""
    position = Position.objects.select_related("cell", "member").filter(pk=pk).first()
    if position is None or not can_read_members_of(user, position.cell):
        raise Http404("Không tìm thấy chức vụ.")
    if write and not can_write_org(user, position.cell):
        raise PermissionDenied("Bạn không có quyền sửa chức vụ của chi bộ này.")
    return position


def get_exemption_for_user(user, pk, *, write: bool = False) -> Exemption:
    exemption = Exemption.objects.select_related("member").filter(pk=pk).first()
    if exemption is None:
        raise Http404("Không tìm thấy quyết định miễn sinh hoạt.")
    # Goes through the member's access path, so the same 404/403 rules apply.
    get_member_for_user(user, exemption.member_id, write=write)
    return exemption
