"""/api/v1/training: the same rules as the pages; the sibling branch gets 404 on every endpoint."""

import datetime as dt

import pytest

from chibo.common.access import SYSTEM
from chibo.common.dates import today
from chibo.members.models import TrainingRecord
from chibo.training import services
from chibo.training.models import Participation
from tests.api.conftest import api_as, patch_json, post_json  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/training"


@pytest.fixture
def course(make_course):
    return make_course(starts_in=-2, length=5)


def test_course_crud(cast, api_as):  # noqa: F811
    api = api_as(cast.staff)
    start = today() + dt.timedelta(days=7)
    body = {
        "title": "Bồi dưỡng nghiệp vụ cho bí thư chi bộ",
        "organiser_id": cast.ward.pk,
        "starts_on": start.isoformat(),
        "ends_on": (start + dt.timedelta(days=2)).isoformat(),
        "hours": 16,
    }
    response = post_json(api, f"{BASE}/courses", body)
    assert response.status_code == 201, response.json()
    course = response.json()
    assert course["kind"] == "party_work" and course["organiser_code"] == "BD"
    assert course["organiser_name"] == cast.ward.name
    response = patch_json(api, f"{BASE}/courses/{course['id']}", {"online": True, "place": "Trực tuyến"})
    assert response.status_code == 200 and response.json()["online"] is True
    listed = api.get(f"{BASE}/courses?upcoming=true").json()
    assert [c["id"] for c in listed["items"]] == [course["id"]]
    bad = post_json(api, f"{BASE}/courses", {**body, "ends_on": (start - dt.timedelta(days=1)).isoformat()})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "ends_on"


def test_course_endpoints_are_404_for_the_sibling(cast, course, api_as):  # noqa: F811
    for user in (cast.outsider, cast.sibling_leader):
        api = api_as(user)
        assert api.get(f"{BASE}/courses/{course.pk}").status_code == 404
        assert patch_json(api, f"{BASE}/courses/{course.pk}", {"hours": 3}).status_code == 404
        assert api.get(f"{BASE}/courses/{course.pk}/participations").status_code == 404
        assert (
            post_json(api, f"{BASE}/courses/{course.pk}/participations", {"member_ids": [1]}).status_code
            == 404
        )
        assert api.get(f"{BASE}/courses").json()["count"] == 0
    response = post_json(
        api_as(cast.outsider),
        f"{BASE}/courses",
        {"title": "X", "organiser_id": cast.ward.pk, "starts_on": "2026-12-01", "ends_on": "2026-12-01"},
    )
    assert response.status_code == 404


def test_enrol_and_complete(cast, scene, course, api_as):  # noqa: F811
    api = api_as(cast.leader_user)
    url = f"{BASE}/courses/{course.pk}/participations"
    response = post_json(api, url, {"member_ids": [scene.deputy.pk, cast.secretary.pk]})
    assert response.status_code == 201
    assert (len(response.json()["created"]), response.json()["already_enrolled"]) == (2, 0)
    again = post_json(api, url, {"member_ids": [scene.deputy.pk]}).json()
    assert (again["created"], again["already_enrolled"]) == ([], 1)
    refused = post_json(api, url, {"member_ids": [scene.secretary2.pk]})  # BD-02: not led by this user
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "member_ids"
    p = Participation.objects.get(member=scene.deputy)
    response = patch_json(
        api, f"{BASE}/participations/{p.pk}", {"status": "completed", "certificate_number": "5/CC"}
    )
    assert response.status_code == 200
    out = response.json()
    assert out["status"] == "completed" and out["training_record_id"] is not None
    assert TrainingRecord.objects.filter(pk=out["training_record_id"], member=scene.deputy).exists()
    listed = api.get(f"{url}?status=completed").json()
    assert [x["member_id"] for x in listed["items"]] == [scene.deputy.pk]


def test_participation_update_is_404_for_the_sibling_and_403_for_readers(cast, scene, course, api_as):  # noqa: F811
    (p,), _ = services.participations_enrol(by=SYSTEM, course=course, people=[(scene.deputy, cast.cell)])
    for user in (cast.outsider, cast.sibling_leader):
        assert (
            patch_json(api_as(user), f"{BASE}/participations/{p.pk}", {"status": "attended"}).status_code
            == 404
        )
    assert (
        patch_json(
            api_as(cast.supervisor), f"{BASE}/participations/{p.pk}", {"status": "attended"}
        ).status_code
        == 403
    )


def test_gap_list_and_enrol(cast, scene, make_course, api_as):  # noqa: F811
    api = api_as(cast.staff)
    body = api.get(f"{BASE}/orgs/{cast.ward.pk}/gaps").json()
    assert (body["leaders"], body["trained"], body["untrained"], body["count"]) == (3, 1, 2, 2)
    assert body["valid_months"] == 30
    cell1 = body["cells"][0]
    assert cell1["cell_code"] == "BD-01" and (cell1["trained"], cell1["untrained"]) == (1, 1)
    names = {x["full_name"]: x["trained"] for c in body["cells"] for x in c["leaders"]}
    assert names == {"Trần Thị Bình": True, "Phạm Văn Cường": False, "Hoàng Thị Dung": False}
    earlier = (today() - dt.timedelta(days=2)).isoformat()
    gaps = api.get(f"{BASE}/orgs/{cast.cell2.pk}/gaps?day={earlier}").json()
    assert "Vũ Văn Em" in [leader["full_name"] for leader in gaps["cells"][0]["leaders"]]
    course = make_course()
    response = post_json(api, f"{BASE}/orgs/{cast.ward.pk}/gaps/enrol", {"course_id": course.pk})
    assert response.status_code == 201 and len(response.json()["created"]) == 2
    again = post_json(api, f"{BASE}/orgs/{cast.ward.pk}/gaps/enrol", {"course_id": course.pk}).json()
    assert (again["created"], again["already_enrolled"]) == ([], 2)


def test_gap_endpoints_are_404_for_the_sibling(cast, scene, make_course, api_as):  # noqa: F811
    course = make_course()
    for user in (cast.outsider, cast.sibling_leader):
        api = api_as(user)
        assert api.get(f"{BASE}/orgs/{cast.ward.pk}/gaps").status_code == 404
        response = post_json(api, f"{BASE}/orgs/{cast.ward.pk}/gaps/enrol", {"course_id": course.pk})
        assert response.status_code == 404
    assert not Participation.objects.exists()


def test_gap_list_needs_member_records(cast, scene, api_as):  # noqa: F811
    assert api_as(cast.member_user).get(f"{BASE}/orgs/{cast.cell.pk}/gaps").status_code == 403
