"""/api/v1/supervision: the same flow and the same refusals as the web pages."""

import datetime as dt

import pytest

from chibo.supervision.models import Assignment, RecommendationStatus, Visit
from tests.api.conftest import api_as, post_json  # noqa: F401
from tests.supervision.conftest import OBSERVATION

pytestmark = pytest.mark.django_db
BASE = "/api/v1/supervision"


def test_staff_create_and_end_an_assignment(api_as, cast):  # noqa: F811
    staff = api_as(cast.staff)
    body = {
        "committee_id": cast.ward.pk,
        "user_id": cast.supervisor.pk,
        "unit_id": cast.cell.pk,
        "valid_from": "2025-01-01",
    }
    response = post_json(staff, f"{BASE}/assignments", body)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["unit_code"], data["username"], data["active"]) == ("BD-01", "phutrach", True)
    again = post_json(staff, f"{BASE}/assignments", body)
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "valid_from"
    ended = post_json(staff, f"{BASE}/assignments/{data['id']}/end", {"valid_until": "2025-07-01"})
    assert ended.status_code == 200 and ended.json()["valid_until"] == "2025-07-01"
    listed = api_as(cast.supervisor).get(f"{BASE}/assignments", {"mine": "true"}).json()
    assert [a["id"] for a in listed["items"]] == [data["id"]]


def test_assignment_refusals(api_as, cast, assignment):  # noqa: F811
    body = {
        "committee_id": cast.ward.pk,
        "user_id": cast.outsider.pk,
        "unit_id": cast.cell2.pk,
        "valid_from": "2025-01-01",
    }
    bad_user = post_json(api_as(cast.staff), f"{BASE}/assignments", body)
    assert bad_user.status_code == 422 and bad_user.json()["errors"][0]["field"] == "user_id"
    assert post_json(api_as(cast.supervisor), f"{BASE}/assignments", body).status_code == 403
    assert post_json(api_as(cast.outsider), f"{BASE}/assignments", body).status_code == 404
    assert api_as(cast.outsider).get(f"{BASE}/assignments").json()["count"] == 0
    end = f"{BASE}/assignments/{assignment.pk}/end"
    assert post_json(api_as(cast.outsider), end, {"valid_until": "2025-07-01"}).status_code == 404
    assert post_json(api_as(cast.supervisor), end, {"valid_until": "2025-07-01"}).status_code == 403
    assert Assignment.objects.get().valid_until is None


def test_visit_recommendation_answer_close(api_as, cast, held, assignment):  # noqa: F811
    supervisor, leader = api_as(cast.supervisor), api_as(cast.leader_user)
    body = OBSERVATION | {
        "meeting_id": held.pk,
        "recommendations": [{"text": "Lập sổ ghi ý kiến", "due_on": "2025-04-05"}],
    }
    response = post_json(supervisor, f"{BASE}/visits", body)
    assert response.status_code == 201, response.json()
    visit = response.json()
    assert (visit["visited_on"], visit["content"], visit["assignment_id"]) == (
        "2025-03-05",
        "average",
        assignment.pk,
    )
    (rec,) = visit["recommendations"]
    assert rec["status"] == "open" and rec["is_overdue"] is True
    rec_url = f"{BASE}/recommendations/{rec['id']}"
    assert post_json(supervisor, f"{rec_url}/answer", {"answer": "x"}).status_code == 403
    assert post_json(leader, f"{rec_url}/close", {}).status_code == 403
    answered = post_json(leader, f"{rec_url}/answer", {"answer": "Đã lập sổ"})
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    closed = post_json(supervisor, f"{rec_url}/close", {"note": "Tốt"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    late = post_json(leader, f"{rec_url}/answer", {"answer": "Thêm"})
    assert late.status_code == 422 and "đã kết thúc" in late.json()["errors"][0]["message"]
    added = post_json(
        supervisor, f"{BASE}/visits/{visit['id']}/recommendations", {"text": "Thêm", "due_on": "2025-03-01"}
    )
    assert added.status_code == 422 and added.json()["errors"][0]["field"] == "due_on"
    pending = leader.get(f"{BASE}/recommendations", {"pending": "true"}).json()
    assert pending["count"] == 0
    assert leader.get(f"{BASE}/visits", {"cell": cast.cell.pk}).json()["count"] == 1


def test_visit_refusals(api_as, cast, held, assignment):  # noqa: F811
    body = OBSERVATION | {"meeting_id": held.pk}
    # Staff see the meeting but are not assigned: 403; siblings do not see it: 404.
    assert post_json(api_as(cast.staff), f"{BASE}/visits", body).status_code == 403
    assert post_json(api_as(cast.outsider), f"{BASE}/visits", body).status_code == 404
    assert post_json(api_as(cast.sibling_leader), f"{BASE}/visits", body).status_code == 404
    missing = post_json(
        api_as(cast.supervisor), f"{BASE}/visits", {k: v for k, v in body.items() if k != "procedure"}
    )
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "procedure"
    assert not Visit.objects.exists()


def test_siblings_read_nothing_and_get_404_on_objects(api_as, cast, visit):  # noqa: F811
    rec = visit.recommendations.get()
    for who in (cast.outsider, cast.sibling_leader, cast.member_user):
        client = api_as(who)
        assert client.get(f"{BASE}/visits").json()["count"] == 0
        assert client.get(f"{BASE}/recommendations").json()["count"] == 0
        assert client.get(f"{BASE}/visits/{visit.pk}").status_code == 404
        assert client.get(f"{BASE}/recommendations/{rec.pk}").status_code == 404
        assert (
            post_json(client, f"{BASE}/recommendations/{rec.pk}/answer", {"answer": "x"}).status_code == 404
        )
        assert client.delete(f"{BASE}/visits/{visit.pk}").status_code == 404
    assert api_as(cast.staff).get(f"{BASE}/visits/{visit.pk}").status_code == 200
    assert api_as(cast.staff).delete(f"{BASE}/visits/{visit.pk}").status_code == 403
    assert api_as(cast.supervisor).delete(f"{BASE}/visits/{visit.pk}").status_code == 204
    assert not Visit.objects.exists()
    assert rec.status == RecommendationStatus.OPEN and dt.date(2025, 4, 5) == rec.due_on
