import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chibo.common.access import SYSTEM
from chibo.meetings.models import AbsenceReport, CalendarFeed, Meeting, MeetingKind, MeetingStatus
from chibo.meetings.services import preparation as prep
from chibo.meetings.services.planning import meeting_create
from chibo.members.services import membership_open
from tests.files import docx

pytestmark = pytest.mark.django_db


def soon(days=5, hh=19, mm=30):
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hh, mm)))


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def upcoming(cast):
    return meeting_create(
        cell=cast.cell, kind=MeetingKind.THEMATIC, scheduled_at=soon(), topic="Học tập nghị quyết", by=SYSTEM
    )


def test_a_member_sees_upcoming_meetings_and_only_published_materials(cast, upcoming, as_user):
    draft = prep.material_add(
        meeting=upcoming, title="Bản nháp", file=SimpleUploadedFile("nhap.pdf", b"%PDF-1.4 a"), by=SYSTEM
    )
    published = prep.material_add(
        meeting=upcoming,
        title="Tài liệu học tập",
        file=SimpleUploadedFile("hoc-tap.docx", docx()),
        publish=True,
        by=SYSTEM,
    )
    meeting_create(cell=cast.other_cell, kind=MeetingKind.REGULAR, scheduled_at=soon(), by=SYSTEM)
    response = as_user(cast.member_user).get(reverse("meetings:my_schedule"))
    page = response.content.decode()
    assert [row[0] for row in response.context["rows"]] == [upcoming]
    assert "Học tập nghị quyết" in page and "Tài liệu học tập" in page and "Bản nháp" not in page
    download = as_user(cast.member_user).get(reverse("meetings:material", args=[published.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert as_user(cast.member_user).get(reverse("meetings:material", args=[draft.pk])).status_code == 404


def test_a_temporary_member_sees_and_reports_absence_for_the_host_cells_meetings(cast, as_user):
    today = timezone.localdate()
    membership_open(
        member=cast.member,
        cell=cast.other_cell,
        kind="temporary",
        valid_from=today - dt.timedelta(days=30),
        valid_until=today + dt.timedelta(days=150),
        by=SYSTEM,
    )
    host = meeting_create(cell=cast.other_cell, kind=MeetingKind.REGULAR, scheduled_at=soon(), by=SYSTEM)
    home = meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=soon(6), by=SYSTEM)
    client = as_user(cast.member_user)
    rows = client.get(reverse("meetings:my_schedule")).context["rows"]
    assert [row[0] for row in rows] == [host]
    assert client.get(reverse("meetings:detail", args=[host.pk])).status_code == 200
    response = client.post(reverse("meetings:absence", args=[host.pk]), {"reason": "Đi công tác"})
    assert response.status_code == 302
    assert AbsenceReport.objects.get(meeting=host, member=cast.member).reason == "Đi công tác"
    # Not on the home cell's roster while away: refused.
    assert client.post(reverse("meetings:absence", args=[home.pk]), {"reason": "x"}).status_code == 403


def test_a_member_reports_an_absence_edits_and_withdraws_it(cast, upcoming, as_user):
    client = as_user(cast.member_user)
    url = reverse("meetings:absence", args=[upcoming.pk])
    empty = client.post(url, {"reason": ""})
    assert empty.context["form"].errors["reason"][0].startswith("Lý do vắng:")
    client.post(url, {"reason": "Đi khám bệnh"})
    client.post(url, {"reason": "Đi khám bệnh"})  # posted twice: one report
    assert AbsenceReport.objects.filter(meeting=upcoming).count() == 1
    leader_view = as_user(cast.leader_user).get(reverse("meetings:detail", args=[upcoming.pk]))
    assert "Đi khám bệnh" in leader_view.content.decode()
    client = as_user(cast.member_user)
    client.post(url, {"action": "withdraw"})
    assert not AbsenceReport.objects.filter(meeting=upcoming).exists()


def test_an_absence_cannot_be_reported_once_the_meeting_opened(cast, upcoming, as_user):
    Meeting.objects.filter(pk=upcoming.pk).update(status=MeetingStatus.OPEN)
    response = as_user(cast.member_user).post(
        reverse("meetings:absence", args=[upcoming.pk]), {"reason": "Ốm"}
    )
    assert response.status_code == 200
    assert not AbsenceReport.objects.exists()


@pytest.mark.parametrize(("user", "status"), [("outsider", 404), ("sibling_leader", 404), ("staff", 404)])
def test_an_absence_report_is_refused_to_those_not_on_the_roster(cast, upcoming, as_user, user, status):
    # staff see the meeting but are not members: no member record, nothing to report.
    response = as_user(getattr(cast, user)).post(
        reverse("meetings:absence", args=[upcoming.pk]), {"reason": "x"}
    )
    assert response.status_code == status
    assert not AbsenceReport.objects.exists()


def test_a_member_of_a_sibling_cell_cannot_report_for_our_meeting(cast, upcoming, as_user):
    from tests.factories import make_member, make_user

    neighbour = make_member(cast.cell2)
    user = make_user("dangvien2", role="member", org=cast.cell2, member=neighbour)
    assert (
        as_user(user).post(reverse("meetings:absence", args=[upcoming.pk]), {"reason": "x"}).status_code
        == 404
    )


def test_a_member_creates_regenerates_and_revokes_their_feed(cast, as_user):
    client = as_user(cast.member_user)
    client.post(reverse("meetings:feed_manage"), {"action": "create"})
    token = CalendarFeed.objects.get(member=cast.member).token
    page = client.get(reverse("meetings:my_schedule")).content.decode()
    assert reverse("meetings:feed", args=[token]) in page
    client.post(reverse("meetings:feed_manage"), {"action": "regenerate"})
    assert CalendarFeed.objects.get(member=cast.member).token != token
    client.post(reverse("meetings:feed_manage"), {"action": "revoke"})
    assert not CalendarFeed.objects.exists()


def test_a_user_without_a_member_record_has_no_own_schedule(cast, as_user):
    assert as_user(cast.staff).get(reverse("meetings:my_schedule")).status_code == 404
