import datetime as dt
import zoneinfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from chibo.common.access import SYSTEM
from chibo.meetings.calendar import feed_ics, invitation_ics
from chibo.meetings.models import MeetingKind
from chibo.meetings.services import preparation as prep
from chibo.meetings.services.planning import meeting_cancel, meeting_create

pytestmark = pytest.mark.django_db
HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, hh=19, mm=30):
    return timezone.make_aware(dt.datetime(y, m, d, hh, mm))


def test_the_invitation_has_a_vtimezone_and_hanoi_times(cast):
    meeting = meeting_create(
        cell=cast.cell, kind=MeetingKind.THEMATIC, scheduled_at=at(2026, 6, 2), topic="Học tập", by=SYSTEM
    )
    cal = icalendar.Calendar.from_ical(invitation_ics(meeting, attendee_email="an@example.vn"))
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    event = cal.walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert start.astimezone(HANOI).replace(tzinfo=None) == dt.datetime(2026, 6, 2, 19, 30)
    assert start.astimezone(dt.UTC).hour == 12
    assert "Học tập" in str(event["summary"])
    assert str(event["attendee"]) == "mailto:an@example.vn"


def test_the_member_feed_parses_with_hanoi_times_and_only_their_cells_meetings(cast, client):
    mine = meeting_create(
        cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 3, 7, 15), by=SYSTEM
    )
    cancelled = meeting_create(
        cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 5, 3), by=SYSTEM
    )
    meeting_cancel(meeting=cancelled, reason="Mưa bão", by=SYSTEM)
    meeting_create(cell=cast.other_cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 3), by=SYSTEM)
    feed = prep.calendar_feed_get_or_create(member=cast.member, by=SYSTEM)
    response = client.get(reverse("meetings:feed", args=[feed.token]))  # not logged in
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {f"meeting-{mine.pk}@chibo", f"meeting-{cancelled.pk}@chibo"}
    start = events[f"meeting-{mine.pk}@chibo"].decoded("dtstart")
    assert start.astimezone(HANOI).replace(tzinfo=None) == dt.datetime(2026, 4, 3, 7, 15)
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 4, 3, 0, 15, tzinfo=dt.UTC)
    assert str(events[f"meeting-{cancelled.pk}@chibo"]["status"]) == "CANCELLED"


def test_a_wrong_or_revoked_token_gets_404(cast, client):
    feed = prep.calendar_feed_get_or_create(member=cast.member, by=SYSTEM)
    old = feed.token
    assert client.get(reverse("meetings:feed", args=["khong-dung"])).status_code == 404
    prep.calendar_feed_regenerate(member=cast.member, by=SYSTEM)
    assert client.get(reverse("meetings:feed", args=[old])).status_code == 404
    prep.calendar_feed_revoke(member=cast.member, by=SYSTEM)
    assert client.get(reverse("meetings:feed", args=[old])).status_code == 404


def test_an_empty_feed_is_still_a_calendar(cast):
    cal = icalendar.Calendar.from_ical(feed_ics([], name="Trống"))
    assert cal.walk("VEVENT") == []


def test_a_held_meeting_shows_when_it_really_began_and_ended(cast):
    from chibo.meetings.models import Meeting, MeetingStatus

    meeting = meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 6, 2), by=SYSTEM)
    planned = icalendar.Calendar.from_ical(feed_ics([meeting], name="Lịch")).walk("VEVENT")[0]
    assert planned.decoded("dtstart") == at(2026, 6, 2)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=MeetingStatus.HELD, started_at=at(2026, 6, 2, 19, 45), ended_at=at(2026, 6, 2, 22, 5)
    )
    meeting.refresh_from_db()
    event = icalendar.Calendar.from_ical(feed_ics([meeting], name="Lịch")).walk("VEVENT")[0]
    assert event.decoded("dtstart") == at(2026, 6, 2, 19, 45)
    assert event.decoded("dtend") == at(2026, 6, 2, 22, 5)
