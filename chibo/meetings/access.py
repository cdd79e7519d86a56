"""One access path for meetings: through the meeting's cell (orgs.access), 404 / 403 as everywhere.

A member on temporary activity also sees the host cell's meetings of that period (DOMAIN §3: they
attend there), read-only, without a role on the host cell."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from chibo.meetings.models import Meeting
from chibo.meetings.services.preparation import member_meetings_q
from chibo.orgs.access import can_see_org, can_write_org, orgs_visible_to


def _own_member(user):
    return getattr(user, "member", None) if getattr(user, "is_authenticated", False) else None


def meetings_visible_to(user):
    in_scope = Q(cell__in=orgs_visible_to(user).values("pk"))
    member = _own_member(user)
    return Meeting.objects.filter(in_scope | member_meetings_q(member) if member else in_scope)


def get_meeting_for_user(user, pk, *, write: bool = False) -> Meeting:
    """Anyone who sees the cell (its members too) sees its meetings; its leaders and committee staff run them."""
    meeting = Meeting.objects.select_related("cell", "rule_set").filter(pk=pk).first()
    if meeting is None:
        raise Http404("Không tìm thấy buổi sinh hoạt.")
    if not can_see_org(user, meeting.cell):
        member = _own_member(user)
        if member is None or not Meeting.objects.filter(member_meetings_q(member), pk=meeting.pk).exists():
            raise Http404("Không tìm thấy buổi sinh hoạt.")
    if write and not can_write_org(user, meeting.cell):
        raise PermissionDenied("Bạn không có quyền sửa buổi sinh hoạt của chi bộ này.")
    return meeting
