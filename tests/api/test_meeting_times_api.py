"""/api/v1/meetings: the same time rules as the web (meetings.services.running): no start or end ahead of
the clock, an early start refused or moved, a default end, a short close and an approval confirmed,
corrections through PATCH /times until the minutes are approved."""

import pytest

from chibo.meetings.models import Meeting, MeetingStatus, MinutesStatus
from chibo.meetings.services.minutes import minutes_build
from chibo.meetings.services.running import attendance_mark_all_present, meeting_close
from tests.api.conftest import patch_json, post_json
from tests.meetings.running_fixtures import *  # noqa: F403
from tests.meetings.running_fixtures import local, opened, planned

pytestmark = pytest.mark.django_db

BASE = "/api/v1/meetings"


def errors(response) -> dict:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def marked(cast, rules):
    meeting = opened(cast, rules)
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    return meeting


def test_an_early_start_is_refused_or_moved_with_a_note(cast, run_rules, api_as):
    client = api_as(cast.leader_user)
    sixth = planned(cast, run_rules, when=local(2025, 12, 6, 19, 0))
    response = post_json(client, f"{BASE}/{sixth.pk}/open", {"started_at": "2025-12-03T19:00"})
    assert response.status_code == 422 and "dự kiến 19:00 ngày 06/12/2025" in errors(response)["started_at"]
    assert Meeting.objects.get(pk=sixth.pk).status == MeetingStatus.PLANNED

    march = planned(cast, run_rules, when=local(2025, 3, 6, 19, 0))
    response = post_json(client, f"{BASE}/{march.pk}/open", {"started_at": "2025-03-05T20:00"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scheduled_at"] == body["started_at"] == "2025-03-05T20:00:00+07:00"
    assert body["time_note"].startswith("Họp sớm hơn lịch: dự kiến 19:00 ngày 06/03/2025")


def test_a_start_ahead_of_the_clock_is_refused(cast, run_rules, api_as):
    meeting = planned(cast, run_rules, when=local(2099, 3, 5, 19, 30))
    response = post_json(
        api_as(cast.leader_user), f"{BASE}/{meeting.pk}/open", {"started_at": "2099-03-05T19:30"}
    )
    assert response.status_code == 422 and "chưa tới" in errors(response)["started_at"]


def test_close_without_an_end_takes_the_default_and_a_short_close_needs_confirm_short(
    cast, run_rules, api_as
):
    client = api_as(cast.leader_user)
    meeting = marked(cast, run_rules)
    response = post_json(client, f"{BASE}/{meeting.pk}/close", {"ended_at": "2025-03-05T20:15"})
    assert response.status_code == 422
    assert "45 phút" in errors(response)["confirm_short"]
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.OPEN
    response = post_json(
        client, f"{BASE}/{meeting.pk}/close", {"ended_at": "2025-03-05T20:15", "confirm_short": True}
    )
    assert response.status_code == 200 and response.json()["ended_at"] == "2025-03-05T20:15:00+07:00"

    other = marked(cast, run_rules)
    response = post_json(client, f"{BASE}/{other.pk}/close", {})
    assert response.status_code == 200, response.content
    assert response.json()["ended_at"] == "2025-03-05T21:00:00+07:00"  # 19:30 + 90 minutes


def test_times_are_corrected_until_the_minutes_are_approved(cast, run_rules, api_as):
    client = api_as(cast.leader_user)
    meeting = meeting_close(
        meeting=marked(cast, run_rules), ended_at=local(2025, 3, 5, 21, 15), by=cast.leader_user
    )
    minutes_build(meeting=meeting, by=cast.leader_user)
    times = f"{BASE}/{meeting.pk}/times"
    response = patch_json(client, times, {"started_at": "2025-03-05T19:40", "ended_at": "2025-03-05T21:20"})
    assert response.status_code == 200, response.content
    assert (response.json()["started_at"], response.json()["ended_at"]) == (
        "2025-03-05T19:40:00+07:00",
        "2025-03-05T21:20:00+07:00",
    )
    assert "- Bắt đầu: 05/03/2025 19:40." in client.get(f"{BASE}/{meeting.pk}/minutes").json()["body"]
    response = patch_json(client, times, {"ended_at": "2025-03-05T20:00"})
    assert response.status_code == 422 and "confirm_short" in errors(response)

    response = post_json(client, f"{BASE}/{meeting.pk}/minutes/approve", {})
    assert response.status_code == 422 and "Tôi xác nhận" in errors(response)["confirm"]
    assert client.get(f"{BASE}/{meeting.pk}/minutes").json()["status"] == MinutesStatus.DRAFT
    response = post_json(client, f"{BASE}/{meeting.pk}/minutes/approve", {"confirm": True})
    assert response.status_code == 200 and response.json()["status"] == MinutesStatus.APPROVED

    response = patch_json(client, times, {"ended_at": "2025-03-05T21:30"})
    assert response.status_code == 422 and "đính chính" in response.json()["errors"][0]["message"]
    assert Meeting.objects.get(pk=meeting.pk).ended_at == local(2025, 3, 5, 21, 20)


@pytest.mark.parametrize("who", ["sibling_leader", "outsider"])
def test_users_of_a_sibling_organisation_cannot_correct_times(cast, run_rules, api_as, who):
    meeting = meeting_close(
        meeting=marked(cast, run_rules), ended_at=local(2025, 3, 5, 21, 15), by=cast.leader_user
    )
    response = patch_json(
        api_as(getattr(cast, who)), f"{BASE}/{meeting.pk}/times", {"ended_at": "2025-03-05T21:30"}
    )
    assert response.status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).ended_at == local(2025, 3, 5, 21, 15)


def test_a_plain_member_cannot_correct_times(cast, run_rules, api_as):
    meeting = marked(cast, run_rules)
    response = patch_json(
        api_as(cast.member_user), f"{BASE}/{meeting.pk}/times", {"started_at": "2025-03-05T19:40"}
    )
    assert response.status_code == 403
