"""One access path for meetings: through the meeting's cell (orgs.access), 404 / 403 as everywhere."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from chibo.meetings.models import Meeting
from chibo.orgs.access import can_see_org, can_write_org, orgs_visible_to


def meetings_visible_to(user):
    return Meeting.objects.filter(cell__in=orgs_visible_to(user).values("pk"))


def get_meeting_for_user(user, pk, *, write: bool = False) -> Meeting:
    """Anyone who sees the cell (its members too) sees its meetings; its leaders and committee staff run them."""
    meeting = Meeting.objects.select_related("cell", "rule_set").filter(pk=pk).first()
    if meeting is None or not can_see_org(user, meeting.cell):
        raise Http404("Không tìm thấy buổi sinh hoạt.")
    if write and not can_write_org(user, meeting.cell):
        raise PermissionDenied("Bạn không có quyền sửa buổi sinh hoạt của chi bộ này.")
    return meeting
