"""A member who moved from cell A to a cell of another ward: A's leaders still see the member's history
with A, but not the CCCD, phone, e-mail, birth date, the new cell, or what happened after — on the page,
in the API and in the export. The new cell's leaders see everything; a sibling's leader sees nothing."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from chibo.common.access import SYSTEM
from chibo.dataio.services import export_data
from chibo.members.models import Member
from chibo.members.services import exemption_create, member_transfer
from tests.api.conftest import api_as  # noqa: F401  (fixture)
from tests.factories import make_member

pytestmark = pytest.mark.django_db

SECRETS = ["012345678901", "0912 345 678", "chuyendi@example.vn", "20/05/1961"]


@pytest.fixture
def moved(cast):
    person = make_member(cast.cell, full_name="Lê Thị Chuyển Đi", joined_on=dt.date(2020, 1, 1))
    Member.objects.filter(pk=person.pk).update(
        citizen_id=SECRETS[0], phone=SECRETS[1], email=SECRETS[2], birth_date=dt.date(1961, 5, 20)
    )
    exemption_create(
        member=person,
        valid_from=dt.date(2021, 3, 1),
        valid_until=dt.date(2021, 6, 1),
        reason="Ốm dài ngày ở tổ 1",
        by=SYSTEM,
    )
    member_transfer(member=person, to_cell=cast.other_cell, on=dt.date(2024, 1, 1), by=SYSTEM)
    exemption_create(member=person, valid_from=dt.date(2024, 3, 1), reason="Điều trị ở nơi mới", by=SYSTEM)
    return person


def test_the_old_cells_leader_sees_the_history_there_and_nothing_of_now(client, cast, moved):
    client.force_login(cast.leader_user)
    page = client.get(reverse("members:detail", args=[moved.pk])).content.decode()
    assert "Lê Thị Chuyển Đi" in page and cast.cell.name in page and "Ốm dài ngày ở tổ 1" in page
    for secret in [*SECRETS, cast.other_cell.name, "Điều trị ở nơi mới"]:
        assert secret not in page, secret
    assert "không còn sinh hoạt trong tổ chức của bạn" in page


def test_the_new_cells_leader_sees_everything(client, cast, moved):
    client.force_login(cast.sibling_leader)
    page = client.get(reverse("members:detail", args=[moved.pk])).content.decode()
    for secret in [*SECRETS, cast.other_cell.name, "Điều trị ở nơi mới", cast.cell.name]:
        assert secret in page, secret


def test_someone_who_never_held_the_member_is_refused(client, cast, moved):
    other = make_member(cast.cell2, full_name="Người Khác")
    for user in (cast.leader_user, cast.outsider):  # a sibling cell's leader, another ward's staff
        client.force_login(user)
        assert client.get(reverse("members:detail", args=[other.pk])).status_code == 404


def test_the_api_hides_the_present_from_the_old_cell(cast, api_as, moved):  # noqa: F811
    old = api_as(cast.leader_user)
    body = old.get(f"/api/v1/members/{moved.pk}").json()
    assert body["citizen_id"] is None and body["phone"] == "" and body["email"] == ""
    assert body["birth_date"] is None and body["cell_id"] is None
    assert {m["cell_id"] for m in body["memberships"]} == {cast.cell.pk}
    assert [e["reason"] for e in body["exemptions"]] == ["Ốm dài ngày ở tổ 1"]
    listed = {m["id"]: m for m in old.get("/api/v1/members").json()["items"]}
    assert listed[moved.pk]["birth_date"] is None and listed[moved.pk]["cell_id"] is None
    assert old.get(f"/api/v1/members?q={SECRETS[0]}").json()["items"] == []  # a CCCD is not confirmed
    new = api_as(cast.sibling_leader).get(f"/api/v1/members/{moved.pk}").json()
    assert new["citizen_id"] == SECRETS[0] and new["cell_id"] == cast.other_cell.pk


def test_the_export_of_the_old_cell_holds_the_membership_only(cast, moved):
    content, _ = export_data(kind="members", filename="dv.csv", org=cast.cell)
    assert moved.card_number not in content.decode("utf-8-sig")
    content, _ = export_data(kind="memberships", filename="sh.csv", org=cast.cell)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:] if r[0] == moved.card_number] == [cast.cell.code]
    content, _ = export_data(kind="exemptions", filename="m.csv", org=cast.cell)
    assert "Điều trị ở nơi mới" not in content.decode("utf-8-sig")
    content, _ = export_data(kind="members", filename="dv.csv", org=cast.other_cell)
    assert SECRETS[0] in content.decode("utf-8-sig")
