"""/api/v1/materials: scoped like the pages (404 for a sibling), 403 for a user who sees but may not act."""

import datetime as dt

import pytest
from django.utils import timezone

from chibo.materials import services
from chibo.materials.models import Material, MaterialAttachment, MaterialOpen
from tests.api.conftest import api_as, post_json  # noqa: F401
from tests.materials.conftest import docx_bytes, publish, upload
from tests.meetings.conftest import make_meeting, rule_set  # noqa: F401

URL = "/api/v1/materials"


def test_list_and_search_are_scoped(cast, api_as):  # noqa: F811
    ours = publish(cast.ward, by=cast.staff, title="Nghị quyết về chuyển đổi số")
    publish(cast.ward2, by=cast.outsider, title="Nghị quyết phường Hoàn Kiếm")
    body = api_as(cast.member_user).get(URL, {"q": "nghi quyet"}).json()
    assert body["count"] == 1 and body["items"][0]["id"] == ours.pk
    assert body["items"][0]["publisher_name"] == "Đảng bộ phường Ba Đình"
    body = api_as(cast.outsider).get(URL, {"q": "nghi quyet"}).json()
    assert [m["title"] for m in body["items"]] == ["Nghị quyết phường Hoàn Kiếm"]


def test_detail_records_the_opening_and_hides_from_siblings(cast, api_as):  # noqa: F811
    material = publish(cast.ward, by=cast.staff)
    response = api_as(cast.member_user).get(f"{URL}/{material.pk}")
    assert response.status_code == 200 and response.json()["kind"] == "monthly"
    assert MaterialOpen.objects.filter(user=cast.member_user).exists()
    for user in (cast.outsider, cast.sibling_leader):
        assert api_as(user).get(f"{URL}/{material.pk}").status_code == 404


def test_publish_to_chosen_units_then_add_a_file(cast, api_as, media):  # noqa: F811
    client = api_as(cast.staff)
    response = post_json(
        client,
        URL,
        {
            "publisher_id": cast.ward.pk,
            "kind": "thematic",
            "title": "Chuyên đề năm 2025",
            "topic": "Phong cách làm việc",
            "audience": "units",
            "unit_ids": [cast.cell.pk],
        },
    )
    assert response.status_code == 201, response.json()
    material_id = response.json()["id"]
    assert response.json()["unit_ids"] == [cast.cell.pk]
    response = client.post(
        f"{URL}/{material_id}/files", {"files": [upload("cd.docx", docx_bytes("Nội dung"))]}
    )
    assert response.status_code == 201, response.json()
    (file,) = response.json()["files"]
    assert file["name"] == "cd.docx" and file["download_url"].endswith(f"/tep/{file['id']}/")
    response = client.post(f"{URL}/{material_id}/files", {"files": [upload("x.pdf", b"no")]})
    assert response.status_code == 422
    assert "nội dung không phải tệp PDF" in response.json()["errors"][0]["message"]


def test_publish_refusals(cast, api_as):  # noqa: F811
    data = {"publisher_id": cast.ward.pk, "kind": "upper", "title": "Văn bản"}
    assert post_json(api_as(cast.outsider), URL, data).status_code == 404
    assert post_json(api_as(cast.leader_user), URL, {**data, "publisher_id": cast.cell.pk}).status_code == 403
    response = post_json(api_as(cast.staff), URL, {**data, "kind": "monthly"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "month"
    assert not Material.objects.exists()


def test_attach_through_the_api_sets_t2(cast, api_as, rule_set):  # noqa: F811
    meeting = make_meeting(cast.cell, rule_set, when=timezone.now() + dt.timedelta(days=3))
    material = publish(cast.ward, by=cast.staff)
    assert (
        post_json(
            api_as(cast.member_user), f"{URL}/{material.pk}/attachments", {"meeting_id": meeting.pk}
        ).status_code
        == 403
    )
    assert (
        post_json(
            api_as(cast.sibling_leader), f"{URL}/{material.pk}/attachments", {"meeting_id": meeting.pk}
        ).status_code
        == 404
    )
    response = post_json(
        api_as(cast.leader_user), f"{URL}/{material.pk}/attachments", {"meeting_id": meeting.pk}
    )
    assert response.status_code == 201
    meeting.refresh_from_db()
    assert meeting.materials_published_at == MaterialAttachment.objects.get().attached_at


def test_opens_report_for_the_publisher(cast, api_as):  # noqa: F811
    material = publish(cast.ward, by=cast.staff)
    services.material_open(material=material, user=cast.member_user)
    body = api_as(cast.staff).get(f"{URL}/{material.pk}/opens").json()
    assert body["count"] == 2
    first = body["items"][0]
    assert (first["cell_code"], first["members"], first["opened_count"]) == ("BD-01", 2, 1)
    assert [p["full_name"] for p in first["opened"]] == ["Lê Văn An"]
    assert [p["full_name"] for p in first["not_opened"]] == ["Trần Thị Bình"]
    assert api_as(cast.leader_user).get(f"{URL}/{material.pk}/opens").status_code == 403
    assert api_as(cast.outsider).get(f"{URL}/{material.pk}/opens").status_code == 404


@pytest.mark.parametrize("path", ["", "/1", "/1/opens"])
def test_anonymous_gets_401(client, db, path):
    assert client.get(URL + path).status_code == 401


def test_a_material_of_a_held_meeting_is_recorded_with_the_time_it_really_reached_members(
    cast,
    api_as,  # noqa: F811
    rule_set,  # noqa: F811
):
    from chibo.meetings.models import MeetingStatus

    start = timezone.now() - dt.timedelta(days=10)
    meeting = make_meeting(cast.cell, rule_set, when=start)
    meeting.status, meeting.started_at, meeting.ended_at = (
        MeetingStatus.HELD,
        start,
        start + dt.timedelta(hours=2),
    )
    meeting.save()
    material = publish(cast.ward, by=cast.staff, publish_at=start - dt.timedelta(days=5))
    url = f"{URL}/{material.pk}/attachments"
    # Without a sent time it is refused, never dated now (which T2 would count as late).
    response = post_json(api_as(cast.leader_user), url, {"meeting_id": meeting.pk})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "sent_at"
    later = timezone.localtime(start + dt.timedelta(hours=3)).replace(tzinfo=None).isoformat()
    response = post_json(api_as(cast.leader_user), url, {"meeting_id": meeting.pk, "sent_at": later})
    assert (
        response.status_code == 422
        and "sau khi buổi sinh hoạt kết thúc" in response.json()["errors"][0]["message"]
    )
    # A sibling cell's leader does not even see the meeting.
    sent = timezone.localtime(start - dt.timedelta(days=2)).replace(tzinfo=None, microsecond=0)
    payload = {"meeting_id": meeting.pk, "sent_at": sent.isoformat()}
    assert post_json(api_as(cast.sibling_leader), url, payload).status_code == 404
    assert not MaterialAttachment.objects.exists()
    response = post_json(api_as(cast.leader_user), url, payload)
    assert response.status_code == 201, response.json()
    meeting.refresh_from_db()
    assert meeting.materials_published_at == timezone.make_aware(sent)
    assert MaterialAttachment.objects.get().sent_at == timezone.make_aware(sent)
