"""Who may read a delivery (its member only) and choose a member's channels (the member, or whoever may
change the member's record: the secretary sets them for members without an account)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from chibo.common.access import is_system
from chibo.members import access as members_access
from chibo.members.models import Member
from chibo.notices.models import Delivery

CHANNELS_DENIED = "Bạn không có quyền chọn cách nhận thông báo của đảng viên này."


def own_member(user) -> Member | None:
    if not getattr(user, "is_authenticated", False) or is_system(user):
        return None
    return Member.objects.filter(user=user).first()


def inbox_qs(user):
    member = own_member(user)
    if member is None:
        return Delivery.objects.none()
    return Delivery.objects.filter(member=member)


def get_delivery_for_user(user, pk: int) -> Delivery:
    delivery = inbox_qs(user).select_related("notice").filter(pk=pk).first()
    if delivery is None:
        raise Http404("Không tìm thấy thông báo.")
    return delivery


def can_set_channels(user, member: Member) -> bool:
    if is_system(user):
        return True
    if getattr(user, "is_authenticated", False) and member.user_id == user.pk:
        return True
    return members_access.member.can_edit(user, member)


def check_set_channels(user, member: Member) -> None:
    if not can_set_channels(user, member):
        raise PermissionDenied(CHANNELS_DENIED)
