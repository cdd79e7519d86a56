"""The run screen and the minutes page keep the time rules: the closing form proposes the default end, a
short meeting asks "Tôi xác nhận…" before it closes (a step of its own, or the section alone with htmx),
times are corrected until approval, approving asks for its confirmation."""

import pytest
from django.urls import reverse

from chibo.common.dates import today
from chibo.meetings.models import Meeting, MeetingStatus, Minutes, MinutesStatus
from chibo.meetings.services.minutes import minutes_approve, minutes_build
from chibo.meetings.services.running import attendance_mark_all_present, meeting_close
from tests.meetings.running_fixtures import *  # noqa: F403
from tests.meetings.running_fixtures import local, opened, planned

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def u(name, meeting):
    return reverse(f"meetings:{name}", args=[meeting.pk])


@pytest.fixture
def meeting(cast, run_rules):
    meeting = opened(cast, run_rules)
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    return meeting


@pytest.fixture
def held(meeting, cast):
    return meeting_close(meeting=meeting, ended_at=local(2025, 3, 5, 21, 15), by=cast.leader_user)


def test_the_closing_form_proposes_the_start_plus_the_minimum(cast, meeting, as_user):
    page = as_user(cast.leader_user).get(u("run", meeting))
    assert 'value="05/03/2025"' in page.text
    assert 'value="21:00"' in page.text
    assert "Tôi xác nhận" not in page.text  # asked only when the meeting is short


def test_the_opening_form_never_proposes_a_start_ahead_of_the_clock(cast, run_rules, as_user):
    ahead = planned(cast, run_rules, when=local(2099, 3, 5, 19, 30))
    page = as_user(cast.leader_user).get(u("run", ahead))
    assert f'value="{today():%d/%m/%Y}"' in page.text and 'value="05/03/2099"' not in page.text
    past = planned(cast, run_rules, when=local(2025, 4, 8, 19, 30))
    page = as_user(cast.leader_user).get(u("run", past))
    assert 'value="08/04/2025"' in page.text and 'value="19:30"' in page.text


def test_closing_a_short_meeting_is_a_confirmation_step(cast, meeting, as_user):
    client = as_user(cast.leader_user)
    page = client.post(u("close", meeting), {"day": "05/03/2025", "end": "20:30"})
    assert page.status_code == 200
    assert "60 phút, ít hơn thời lượng tối thiểu 90 phút" in page.text
    assert 'name="confirm_short"' in page.text and "Tôi xác nhận buổi sinh hoạt ngắn hơn" in page.text
    assert 'value="20:30"' in page.text  # what was typed is kept
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.OPEN
    done = client.post(u("close", meeting), {"day": "05/03/2025", "end": "20:30", "confirm_short": "on"})
    assert done.status_code == 302
    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.status == MeetingStatus.HELD and stored.ended_at == local(2025, 3, 5, 20, 30)


def test_with_htmx_the_confirmation_replaces_only_the_closing_section(cast, meeting, as_user):
    client = as_user(cast.leader_user)
    page = client.post(u("close", meeting), {"day": "05/03/2025", "end": "20:30"}, **HTMX)
    assert page.status_code == 200 and "<html" not in page.text
    assert page.text.lstrip().startswith('<section class="card narrow-form" id="ket-thuc">')
    assert 'name="confirm_short"' in page.text
    done = client.post(
        u("close", meeting), {"day": "05/03/2025", "end": "20:30", "confirm_short": "on"}, **HTMX
    )
    assert done.status_code == 200 and done.headers["HX-Redirect"] == u("run", meeting)
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD


def test_an_end_before_the_start_keeps_the_typed_time_and_asks_nothing_else(cast, meeting, as_user):
    page = as_user(cast.leader_user).post(u("close", meeting), {"day": "05/03/2025", "end": "19:00"})
    assert "Kết thúc lúc: phải sau giờ bắt đầu" in page.text and 'value="19:00"' in page.text
    assert 'name="confirm_short"' not in page.text


def test_times_are_corrected_on_the_run_screen_until_the_minutes_are_approved(cast, held, as_user):
    client = as_user(cast.leader_user)
    assert "Sửa giờ" in client.get(u("run", held)).text
    data = {"start_day": "05/03/2025", "start": "19:40", "end_day": "05/03/2025", "end": "21:20"}
    assert client.post(u("times", held), data).status_code == 302
    stored = Meeting.objects.get(pk=held.pk)
    assert (stored.started_at, stored.ended_at) == (local(2025, 3, 5, 19, 40), local(2025, 3, 5, 21, 20))

    short = client.post(u("times", held), {**data, "end": "20:00"})
    assert "Tôi xác nhận" in short.text and 'value="20:00"' in short.text
    assert Meeting.objects.get(pk=held.pk).ended_at == local(2025, 3, 5, 21, 20)

    minutes_approve(
        minutes=minutes_build(meeting=held, by=cast.leader_user), confirmed=True, by=cast.leader_user
    )
    page = client.get(u("run", held))
    assert "giờ bắt đầu, kết thúc không sửa được nữa" in page.text and "Sửa giờ" not in page.text
    refused = client.post(u("times", held), {**data, "end": "21:30"})
    assert "hãy lập đính chính biên bản" in refused.text
    assert Meeting.objects.get(pk=held.pk).ended_at == local(2025, 3, 5, 21, 20)


def test_approving_the_minutes_needs_the_box_ticked(cast, held, as_user):
    minutes = minutes_build(meeting=held, by=cast.leader_user)
    client = as_user(cast.leader_user)
    page = client.get(u("minutes", held))
    assert 'name="confirm"' in page.text and "Tôi xác nhận biên bản đã được đọc lại" in page.text
    assert "05/03/2025 19:30 – 21:15" in page.text
    refused = client.post(u("minutes_approve", held), {}, follow=True)
    assert "hãy đánh dấu “Tôi xác nhận" in refused.text
    assert Minutes.objects.get(pk=minutes.pk).status == MinutesStatus.DRAFT
    client.post(u("minutes_approve", held), {"confirm": "on"})
    assert Minutes.objects.get(pk=minutes.pk).status == MinutesStatus.APPROVED


@pytest.mark.parametrize("who", ["sibling_leader", "outsider"])
def test_users_of_a_sibling_organisation_get_404_on_the_new_forms(cast, held, as_user, who):
    client = as_user(getattr(cast, who))
    data = {"start_day": "05/03/2025", "start": "19:40", "end_day": "05/03/2025", "end": "21:20"}
    assert client.post(u("times", held), data).status_code == 404
    assert client.post(u("times", held), data, **HTMX).status_code == 404
    assert Meeting.objects.get(pk=held.pk).started_at == local(2025, 3, 5, 19, 30)


def test_a_member_gets_403_on_the_times_form(cast, held, as_user):
    data = {"start_day": "05/03/2025", "start": "19:40"}
    assert as_user(cast.member_user).post(u("times", held), data).status_code == 403
