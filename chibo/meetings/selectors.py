"""Reads about meetings that more than one module needs (the access policy and the member's pages)."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from chibo.common.dates import local_midnight
from chibo.meetings.models import Meeting
from chibo.members.models import Member, Membership, MembershipKind
from chibo.members.selectors import roster_on


def scheduled_day(meeting: Meeting) -> dt.date:
    """The local (Asia/Ho_Chi_Minh) date a meeting is planned for: its roster before it is held."""
    return timezone.localtime(meeting.scheduled_at).date()


def member_is_on_roster(member: Member, meeting: Meeting) -> bool:
    return roster_on(meeting.cell, scheduled_day(meeting)).filter(pk=member.pk).exists()


def member_meetings_q(member: Member) -> Q:
    """Meetings the member is expected at, following roster_on: their official cell while it is theirs,
    except while on temporary activity elsewhere, plus the host cell's meetings during that activity."""
    memberships = list(Membership.objects.filter(member=member))
    temporaries = [m for m in memberships if m.kind == MembershipKind.TEMPORARY]
    q = Q(pk__in=[])
    for ms in memberships:
        periods = [(ms.valid_from, ms.valid_until)]
        if ms.kind == MembershipKind.OFFICIAL:
            for t in temporaries:
                if t.cell_id == ms.cell_id:
                    continue
                periods = _subtract(periods, t.valid_from, t.valid_until)
        for start, end in periods:
            part = Q(cell_id=ms.cell_id, scheduled_at__gte=local_midnight(start))
            if end is not None:
                part &= Q(scheduled_at__lt=local_midnight(end))
            q |= part
    return q


def _subtract(periods, cut_start: dt.date, cut_end: dt.date | None):
    result = []
    for start, end in periods:
        # Part before the cut.
        if start < cut_start:
            result.append((start, cut_start if end is None or end > cut_start else end))
        # Part after the cut.
        if cut_end is not None and (end is None or end > cut_end):
            result.append((max(start, cut_end), end))
    return [(s, e) for s, e in result if e is None or s < e]


def member_meetings(member: Member):
    return Meeting.objects.filter(member_meetings_q(member)).select_related("cell", "rule_set")
