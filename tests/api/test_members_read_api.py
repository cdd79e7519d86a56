import datetime as dt

import pytest

from chibo.common.access import SYSTEM
from chibo.members.services import exemption_create, position_assign, training_record_create
from tests.factories import make_member


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [m["full_name"] for m in response.json()["items"]]


def test_member_list_is_scoped_like_the_web(cast, api_as):
    make_member(cast.other_cell, full_name="Vũ Văn Hàng Xóm")
    assert set(names(api_as(cast.staff).get("/api/v1/members"))) == {"Trần Thị Bình", "Lê Văn An"}
    assert set(names(api_as(cast.supervisor).get("/api/v1/members"))) == {"Trần Thị Bình", "Lê Văn An"}
    assert names(api_as(cast.outsider).get("/api/v1/members")) == ["Vũ Văn Hàng Xóm"]
    assert names(api_as(cast.sibling_leader).get("/api/v1/members")) == ["Vũ Văn Hàng Xóm"]


def test_a_plain_member_lists_only_their_own_record(cast, api_as):
    assert names(api_as(cast.member_user).get("/api/v1/members")) == ["Lê Văn An"]


def test_member_search_ignores_diacritics_and_case(cast, api_as):
    make_member(cast.cell2, full_name="Nguyễn Văn Đức")
    client = api_as(cast.staff)
    assert names(client.get("/api/v1/members?q=le van an")) == ["Lê Văn An"]
    assert names(client.get("/api/v1/members?q=NGUYEN VAN DUC")) == ["Nguyễn Văn Đức"]


def test_member_list_is_sorted_by_given_name_and_paginated(cast, api_as):
    for name in ["Phạm Thị Yến", "Nguyễn Văn Ánh", "Đặng Văn Cường"]:
        make_member(cast.cell2, full_name=name)
    client = api_as(cast.staff)
    first = client.get("/api/v1/members?limit=3").json()
    second = client.get("/api/v1/members?limit=3&offset=3").json()
    assert first["count"] == 5
    ordered = [m["full_name"] for m in first["items"] + second["items"]]
    assert ordered == ["Lê Văn An", "Nguyễn Văn Ánh", "Trần Thị Bình", "Đặng Văn Cường", "Phạm Thị Yến"]
    assert first["items"][0]["cell_id"] == cast.cell.pk


def test_member_detail_has_history_positions_exemptions_and_trainings(cast, api_as):
    position_assign(member=cast.secretary, cell=cast.cell, kind="secretary", valid_from=dt.date(2023, 1, 1), by=SYSTEM)
    exemption_create(member=cast.secretary, valid_from=dt.date(2025, 1, 1), reason="Sức khỏe yếu", by=SYSTEM)
    training_record_create(
        member=cast.secretary,
        course_title="Bồi dưỡng bí thư chi bộ",
        started_on=dt.date(2024, 3, 1),
        completed=True,
        by=SYSTEM,
    )
    body = api_as(cast.leader_user).get(f"/api/v1/members/{cast.secretary.pk}").json()
    assert body["full_name"] == "Trần Thị Bình"
    assert body["cell_id"] == cast.cell.pk
    assert [m["cell_name"] for m in body["memberships"]] == ["Chi bộ Tổ dân phố số 1"]
    assert body["positions"][0]["kind"] == "secretary"
    assert body["exemptions"][0]["reason"] == "Sức khỏe yếu"
    assert body["trainings"][0] == {
        "id": body["trainings"][0]["id"],
        "course_title": "Bồi dưỡng bí thư chi bộ",
        "kind": "party_work",
        "organiser": "",
        "started_on": "2024-03-01",
        "ended_on": None,
        "completed": True,
    }
    assert body["can_write"] is True


def test_a_plain_member_reads_their_own_record_but_not_others(cast, api_as):
    client = api_as(cast.member_user)
    own = client.get(f"/api/v1/members/{cast.member.pk}")
    assert own.status_code == 200 and own.json()["can_write"] is False
    assert client.get(f"/api/v1/members/{cast.secretary.pk}").status_code == 404


def test_supervisor_reads_a_record_without_the_right_to_write(cast, api_as):
    body = api_as(cast.supervisor).get(f"/api/v1/members/{cast.member.pk}").json()
    assert body["card_number"] == cast.member.card_number and body["can_write"] is False


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_sibling_users_get_404_for_our_members(cast, api_as, who):
    response = api_as(getattr(cast, who)).get(f"/api/v1/members/{cast.member.pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "Không tìm thấy đảng viên."
