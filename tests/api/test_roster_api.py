import datetime as dt

from chibo.common.access import SYSTEM
from chibo.common.http import NUL_REFUSED
from chibo.members.models import MembershipKind
from chibo.members.services import exemption_create, member_transfer, membership_open
from tests.factories import make_member


def roster(client, org, day=None) -> dict[str, dict]:
    url = f"/api/v1/orgs/{org.pk}/roster" + (f"?date={day}" if day else "")
    response = client.get(url)
    assert response.status_code == 200, response.content
    return {row["full_name"]: row for row in response.json()["items"]}


def test_cell_roster_on_a_date_marks_guests_and_exempted_members(cast, api_as):
    guest = make_member(cast.cell2, full_name="Đỗ Văn Khách")
    membership_open(
        member=guest,
        cell=cast.cell,
        kind=MembershipKind.TEMPORARY,
        valid_from=dt.date(2024, 1, 1),
        valid_until=dt.date(2024, 7, 1),
        by=SYSTEM,
    )
    exemption_create(member=cast.member, valid_from=dt.date(2024, 2, 1), reason="Tuổi cao", by=SYSTEM)

    rows = roster(api_as(cast.leader_user), cast.cell, "2024-03-01")

    assert set(rows) == {"Trần Thị Bình", "Lê Văn An", "Đỗ Văn Khách"}
    assert rows["Đỗ Văn Khách"]["is_temporary"] is True
    assert rows["Lê Văn An"]["is_exempt"] is True
    assert rows["Trần Thị Bình"] | {"is_temporary": False, "is_exempt": False} == rows["Trần Thị Bình"]
    # The guest is away from his home cell's roster during the temporary activity, back after it.
    assert "Đỗ Văn Khách" not in roster(api_as(cast.staff), cast.cell2, "2024-03-01")
    assert "Đỗ Văn Khách" in roster(api_as(cast.staff), cast.cell2, "2024-08-01")


def test_cell_roster_follows_a_transfer_by_date(cast, api_as):
    member_transfer(member=cast.member, to_cell=cast.cell2, on=dt.date(2024, 6, 1), by=SYSTEM)
    client = api_as(cast.staff)
    assert "Lê Văn An" in roster(client, cast.cell, "2024-05-31")
    assert "Lê Văn An" not in roster(client, cast.cell, "2024-06-01")
    assert "Lê Văn An" in roster(client, cast.cell2, "2024-06-01")


def test_committee_roster_lists_members_of_the_whole_subtree(cast, api_as):
    make_member(cast.cell2, full_name="Hoàng Văn Dũng")
    rows = roster(api_as(cast.supervisor), cast.ward)
    assert set(rows) == {"Trần Thị Bình", "Lê Văn An", "Hoàng Văn Dũng"}
    assert not any(r["is_temporary"] for r in rows.values())


def test_roster_is_sorted_the_vietnamese_way(cast, api_as):
    make_member(cast.cell, full_name="Nguyễn Văn Ánh")
    make_member(cast.cell, full_name="Phạm Thị Yến")
    names = [
        r["full_name"] for r in api_as(cast.staff).get(f"/api/v1/orgs/{cast.cell.pk}/roster").json()["items"]
    ]
    # By given name: An < Ánh < Bình < Yến.
    assert names == ["Lê Văn An", "Nguyễn Văn Ánh", "Trần Thị Bình", "Phạm Thị Yến"]


def test_a_plain_member_cannot_read_the_roster_of_their_cell(cast, api_as):
    response = api_as(cast.member_user).get(f"/api/v1/orgs/{cast.cell.pk}/roster")
    assert response.status_code == 404


def test_roster_with_a_bad_date_is_a_422_naming_date(cast, api_as):
    response = api_as(cast.staff).get(f"/api/v1/orgs/{cast.cell.pk}/roster?date=31/12/2024")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "date", "message": "Ngày không hợp lệ; dùng dạng YYYY-MM-DD."}
    ]


def test_a_unix_time_is_not_a_date_and_nul_is_not_text(cast, api_as):
    client = api_as(cast.staff)
    assert client.get(f"/api/v1/orgs/{cast.cell.pk}/roster?date=0").status_code == 422
    response = client.get("/api/v1/members?q=an%00")
    # Refused before the view runs (chibo.common.http.RefuseNulMiddleware), in the API's JSON.
    assert response.status_code == 400
    assert response.json() == {"detail": NUL_REFUSED}
