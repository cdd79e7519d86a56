import datetime as dt

import pytest

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.members.models import Member, Membership, Position
from chibo.members.services import position_assign
from tests.api.conftest import patch_json, post_json
from tests.factories import make_member


def new_member(cell, **overrides) -> dict:
    return {
        "full_name": "Phạm Văn Cường",
        "gender": "male",
        "card_number": "09100001",
        "citizen_id": "001090000001",
        "admitted_on": "2015-03-02",
        "official_on": "2016-03-02",
        "cell": cell.pk,
        **overrides,
    }


def audited(model: str, user) -> list[str]:
    return list(AuditEntry.objects.filter(model=model, user=user).values_list("action", flat=True))


# ---------------------------------------------------------------- create


def test_cell_leader_creates_a_member_in_their_cell_and_it_is_audited(cast, api_as):
    response = post_json(
        api_as(cast.leader_user), "/api/v1/members", new_member(cast.cell, joined_on="2020-01-01")
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["full_name"] == "Phạm Văn Cường" and body["cell_id"] == cast.cell.pk
    assert body["memberships"][0]["valid_from"] == "2020-01-01"
    assert audited("members.member", cast.leader_user) == ["create"]
    assert audited("members.membership", cast.leader_user) == ["create"]


def test_duplicate_card_number_is_a_422_naming_the_field_and_writes_nothing(cast, api_as):
    client = api_as(cast.leader_user)
    before = Member.objects.count(), Membership.objects.count(), AuditEntry.objects.count()
    payload = new_member(cast.cell, card_number=cast.member.card_number)
    response = post_json(client, "/api/v1/members", payload)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["card_number"]
    assert "Số thẻ đảng viên" in errors[0]["message"] and "đã tồn tại" in errors[0]["message"]
    assert (Member.objects.count(), Membership.objects.count(), AuditEntry.objects.count()) == before


def test_a_membership_before_admission_is_a_422_on_joined_on_and_writes_nothing(cast, api_as):
    before = Member.objects.count(), Membership.objects.count()
    payload = new_member(cast.cell, admitted_on="2015-03-02", official_on=None, joined_on="2015-01-01")
    response = post_json(api_as(cast.leader_user), "/api/v1/members", payload)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "joined_on" and "trước ngày vào Đảng 02/03/2015" in error["message"]
    assert (Member.objects.count(), Membership.objects.count()) == before


def test_bad_fields_are_each_named_in_vietnamese(cast, api_as):
    payload = new_member(cast.cell, citizen_id="12345", admitted_on="02/03/2015", gender="nam")
    response = post_json(api_as(cast.leader_user), "/api/v1/members", payload)
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert fields["admitted_on"] == "Ngày không hợp lệ; dùng dạng YYYY-MM-DD."
    assert fields["gender"].startswith("Giá trị không hợp lệ")
    # The citizen ID is checked by the service once the schema is satisfied.
    response = post_json(
        api_as(cast.leader_user), "/api/v1/members", new_member(cast.cell, citizen_id="12345")
    )
    assert response.json()["errors"] == [
        {"field": "citizen_id", "message": "Số CCCD phải gồm đúng 12 chữ số."}
    ]


def test_missing_field_and_malformed_json_are_explained(cast, api_as):
    client = api_as(cast.leader_user)
    payload = new_member(cast.cell)
    del payload["card_number"]
    response = post_json(client, "/api/v1/members", payload)
    assert response.json()["errors"] == [{"field": "card_number", "message": "Thiếu trường bắt buộc."}]
    response = client.post("/api/v1/members", "{không phải json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_creating_into_a_committee_instead_of_a_cell_is_a_422(cast, api_as):
    response = post_json(api_as(cast.staff), "/api/v1/members", new_member(cast.ward))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cell"


def test_supervisor_may_not_create_members(cast, api_as):
    response = post_json(api_as(cast.supervisor), "/api/v1/members", new_member(cast.cell))
    assert response.status_code == 403
    assert not Member.objects.filter(card_number="09100001").exists()


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_sibling_users_cannot_create_into_our_cell_nor_learn_it_exists(cast, api_as, who):
    response = post_json(api_as(getattr(cast, who)), "/api/v1/members", new_member(cast.cell))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "cell", "message": f"Không tìm thấy chi bộ có id {cast.cell.pk}."}
    ]
    unknown = post_json(
        api_as(getattr(cast, who)), "/api/v1/members", new_member(cast.cell) | {"cell": 987654}
    )
    assert unknown.json()["errors"][0]["message"] == "Không tìm thấy chi bộ có id 987654."


# ---------------------------------------------------------------- update


def test_cell_leader_updates_a_member_and_the_change_is_audited(cast, api_as):
    url = f"/api/v1/members/{cast.member.pk}"
    response = patch_json(api_as(cast.leader_user), url, {"phone": "0912345678", "full_name": "Lê  Văn  An"})
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "0912345678"
    assert response.json()["full_name"] == "Lê Văn An"
    entry = AuditEntry.objects.get(model="members.member", user=cast.leader_user, action="update")
    assert entry.before["phone"] == "" and entry.after["phone"] == "0912345678"


def test_patch_changes_only_the_fields_sent_and_may_clear_optional_ones(cast, api_as):
    url = f"/api/v1/members/{cast.member.pk}"
    response = patch_json(api_as(cast.staff), url, {"citizen_id": None, "email": ""})
    assert response.status_code == 200
    cast.member.refresh_from_db()
    assert cast.member.citizen_id is None and cast.member.email == ""
    assert cast.member.full_name == "Lê Văn An"


def test_patch_refuses_to_clear_a_required_field(cast, api_as):
    response = patch_json(api_as(cast.staff), f"/api/v1/members/{cast.member.pk}", {"card_number": None})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "card_number", "message": "Phải là một chuỗi ký tự."}]


@pytest.mark.parametrize("who", ["supervisor", "member_user"])
def test_users_who_may_read_but_not_write_get_403_on_patch(cast, api_as, who):
    response = patch_json(api_as(getattr(cast, who)), f"/api/v1/members/{cast.member.pk}", {"phone": "1"})
    assert response.status_code == 403
    assert response.json()["detail"] == "Bạn không có quyền sửa hồ sơ đảng viên này."


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_sibling_users_get_404_on_patch(cast, api_as, who):
    response = patch_json(api_as(getattr(cast, who)), f"/api/v1/members/{cast.member.pk}", {"phone": "1"})
    assert response.status_code == 404


# ---------------------------------------------------------------- transfer


def transfer(client, member, to_cell, on="2024-06-01"):
    return post_json(client, f"/api/v1/members/{member.pk}/transfer", {"to_cell": to_cell.pk, "on": on})


def test_staff_transfers_a_member_between_cells_of_their_ward(cast, api_as):
    response = transfer(api_as(cast.staff), cast.member, cast.cell2)
    assert response.status_code == 201, response.content
    assert response.json()["cell_id"] == cast.cell2.pk and response.json()["valid_from"] == "2024-06-01"
    old = Membership.objects.get(member=cast.member, cell=cast.cell)
    assert old.valid_until == dt.date(2024, 6, 1)
    assert sorted(audited("members.membership", cast.staff)) == ["create", "update"]


def test_transfer_into_a_sibling_wards_cell_is_refused(cast, api_as):
    response = transfer(api_as(cast.staff), cast.member, cast.other_cell)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "to_cell"
    assert not Membership.objects.filter(cell=cast.other_cell, member=cast.member).exists()


def test_cell_leader_cannot_transfer_into_a_cell_they_do_not_manage(cast, api_as):
    response = transfer(api_as(cast.leader_user), cast.member, cast.cell2)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "to_cell"


def test_transfer_rules_from_the_service_come_back_named_after_the_request(cast, api_as):
    client = api_as(cast.staff)
    same = transfer(client, cast.member, cast.cell)
    assert same.json()["errors"] == [
        {"field": "to_cell", "message": "Đảng viên đã sinh hoạt tại chi bộ này."}
    ]
    early = transfer(client, cast.member, cast.cell2, on="2021-05-01")
    assert early.json()["errors"][0]["field"] == "on"


def test_supervisor_cannot_transfer(cast, api_as):
    assert transfer(api_as(cast.supervisor), cast.member, cast.cell2).status_code == 403


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_sibling_users_get_404_on_transfer(cast, api_as, who):
    assert transfer(api_as(getattr(cast, who)), cast.member, cast.other_cell).status_code == 404


# ---------------------------------------------------------------- positions


def assign(client, member, kind="secretary", valid_from="2024-01-01", **extra):
    return post_json(
        client, f"/api/v1/members/{member.pk}/positions", {"kind": kind, "valid_from": valid_from, **extra}
    )


def test_cell_leader_assigns_a_secretary_and_it_is_audited(cast, api_as):
    response = assign(api_as(cast.leader_user), cast.secretary)
    assert response.status_code == 201, response.content
    assert response.json()["cell_id"] == cast.cell.pk and response.json()["kind"] == "secretary"
    assert audited("members.position", cast.leader_user) == ["create"]


def test_a_second_secretary_is_a_422_with_the_vietnamese_rule(cast, api_as):
    position_assign(member=cast.secretary, cell=cast.cell, kind="secretary", valid_from=dt.date(2023, 1, 1), by=SYSTEM)
    response = assign(api_as(cast.leader_user), cast.member)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "kind"
    assert error["message"] == ("Chi bộ đã có bí thư Trần Thị Bình từ 01/01/2023; mỗi lúc chỉ có một bí thư.")
    assert Position.objects.count() == 1


def test_a_committee_member_in_a_small_cell_is_a_422(cast, api_as):
    response = assign(api_as(cast.staff), cast.member, kind="committee")
    assert response.status_code == 422
    assert "9 đảng viên chính thức" in response.json()["errors"][0]["message"]


def test_a_member_with_no_cell_on_that_date_must_name_the_cell(cast, api_as):
    response = assign(api_as(cast.staff), cast.member, valid_from="2019-01-01")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cell"


def test_supervisor_cannot_assign_positions(cast, api_as):
    assert assign(api_as(cast.supervisor), cast.secretary).status_code == 403


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_sibling_users_get_404_on_positions(cast, api_as, who):
    assert assign(api_as(getattr(cast, who)), cast.secretary).status_code == 404


def test_sibling_leader_manages_members_of_their_own_cell(cast, api_as):
    neighbour = make_member(cast.other_cell, full_name="Vũ Văn Hàng Xóm")
    assert assign(api_as(cast.sibling_leader), neighbour).status_code == 201


def test_inputs_are_as_strict_as_the_schema_says(cast, api_as):
    client = api_as(cast.staff)
    url = f"/api/v1/members/{cast.member.pk}"
    cases = [
        ({"birth_date": 0}, "birth_date", "Ngày không hợp lệ; dùng dạng YYYY-MM-DD."),
        ({"birth_date": "1/2/1960"}, "birth_date", "Ngày không hợp lệ; dùng dạng YYYY-MM-DD."),
        ({"phone": "09\x0012"}, "phone", "Không được chứa ký tự NUL."),
        ({"gender": None}, "gender", "Giá trị không hợp lệ; chọn một trong: 'male' hoặc 'female'."),
    ]
    for payload, field, message in cases:
        response = patch_json(client, url, payload)
        assert response.status_code == 422, payload
        assert response.json()["errors"] == [{"field": field, "message": message}], payload


def test_a_body_that_is_not_a_json_object_is_refused(cast, api_as):
    response = patch_json(api_as(cast.staff), f"/api/v1/members/{cast.member.pk}", [None, None])
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "__all__", "message": "Nội dung yêu cầu phải là một đối tượng JSON."}
    ]


def test_text_is_trimmed_and_an_empty_citizen_id_means_none(cast, api_as):
    client = api_as(cast.staff)
    first = post_json(client, "/api/v1/members", new_member(cast.cell, card_number=" 091 ", citizen_id=""))
    second = post_json(client, "/api/v1/members", new_member(cast.cell, card_number="092", citizen_id=" "))
    assert first.status_code == second.status_code == 201, (first.content, second.content)
    assert first.json()["card_number"] == "091"
    assert first.json()["citizen_id"] is None and second.json()["citizen_id"] is None
    blank_name = post_json(
        client, "/api/v1/members", new_member(cast.cell, full_name="   ", card_number="093")
    )
    assert blank_name.json()["errors"] == [{"field": "full_name", "message": "Không được để trống."}]


def test_a_formula_is_not_a_name(cast, api_as):
    from chibo.common.text import NAME_MESSAGE

    url = f"/api/v1/members/{cast.member.pk}"
    response = patch_json(api_as(cast.staff), url, {"full_name": '=HYPERLINK("http://x.example/","Bấm")'})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "full_name", "message": NAME_MESSAGE}]
    cast.member.refresh_from_db()
    assert not cast.member.full_name.startswith("=")
