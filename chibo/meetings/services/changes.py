"""Tell the indicators that a meeting's facts changed (chibo.common.signals.cell_month_changed)."""

from django.utils import timezone

from chibo.common.signals import cells_changed
from chibo.meetings.models import Meeting


def meeting_changed(meeting: Meeting) -> None:
    cells_changed([meeting.cell_id], timezone.localdate(meeting.started_at or meeting.scheduled_at))
