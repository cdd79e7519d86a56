"""iCalendar (RFC 5545) for meetings: the invitation attached to notices and each member's private feed.

Times are written in Asia/Ho_Chi_Minh (settings.TIME_ZONE) with a VTIMEZONE, so calendars show the
meeting at the hour the cell chose whatever the phone's own zone.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from chibo.meetings.models import Meeting, MeetingKind, MeetingStatus

PRODID = "-//Chibo//Sinh hoat chi bo//VI"


def duration_of(meeting: Meeting) -> dt.timedelta:
    """The rule set's minimum for the meeting's kind (120 min when sharing a session, HD 42)."""
    rs = meeting.rule_set
    if meeting.shares_session_with_id:
        minutes = rs.min_minutes_combined
    elif meeting.kind == MeetingKind.THEMATIC:
        minutes = rs.min_minutes_thematic
    else:
        minutes = rs.min_minutes_regular
    return dt.timedelta(minutes=minutes)


def uid_of(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@chibo"


def summary_of(meeting: Meeting) -> str:
    text = f"{meeting.get_kind_display()} — {meeting.cell.name}"
    return f"{text}: {meeting.topic}" if meeting.topic else text


def _calendar(method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    return cal


def _event(meeting: Meeting, *, sequence: int = 0) -> Event:
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    # A meeting that was held shows when it really began and ended; a planned one, its plan.
    if meeting.started_at and meeting.ended_at:
        start = meeting.started_at.astimezone(zone)
        end = meeting.ended_at.astimezone(zone)
    else:
        start = meeting.scheduled_at.astimezone(zone)
        end = start + duration_of(meeting)
    event = Event()
    event.add("uid", uid_of(meeting))
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary_of(meeting))
    if meeting.place:
        event.add("location", meeting.place)
    lines = [f"{meeting.get_kind_display()} của {meeting.cell.name}."]
    if meeting.topic:
        lines.append(f"Nội dung: {meeting.topic}")
    if meeting.reschedule_note:
        lines.append(f"Đổi lịch: {meeting.reschedule_note}")
    event.add("description", "\n".join(lines))
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    return event


def _finish(cal: Calendar) -> bytes:
    # VTIMEZONE for every TZID used (icalendar ≥ 6 builds it from zoneinfo).
    cal.add_missing_timezones()
    return cal.to_ical()


def invitation_ics(meeting: Meeting, *, attendee_email: str = "", sequence: int = 0) -> bytes:
    """METHOD:REQUEST invitation for one meeting, as attached to the e-mail notice."""
    cal = _calendar("REQUEST")
    event = _event(meeting, sequence=sequence)
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText(meeting.cell.name)
    event.add("organizer", organizer)
    if attendee_email:
        attendee = vCalAddress(f"mailto:{attendee_email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return _finish(cal)


def feed_ics(meetings, *, name: str) -> bytes:
    """A subscribed calendar (no METHOD) of the given meetings."""
    cal = _calendar()
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(_event(meeting))
    return _finish(cal)
