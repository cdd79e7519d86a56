"""/api/v1/orgs/{id}/rights: list, grant, revoke with the web's rules."""

import datetime as dt

import pytest

from chibo.audit.models import Action, AuditEntry
from chibo.common.access import SYSTEM
from chibo.members.models import PositionKind
from chibo.members.services import position_assign
from chibo.orgs.models import Role, RoleKind
from chibo.orgs.services import role_grant
from tests.api.conftest import post_json
from tests.factories import make_member, make_user


@pytest.fixture
def granted(cast):
    return role_grant(
        user=make_user("giamsat"),
        organisation=cast.cell2,
        role=RoleKind.SUPERVISOR,
        valid_from=dt.date(2024, 1, 1),
        reason="QĐ 9",
        by=cast.staff,
    )


def test_the_list_shows_each_source_now_and_at_a_date(cast, granted, api_as):
    leader = make_member(cast.cell, full_name="Phan Thanh Kiên")
    make_user("kien", member=leader)
    position_assign(
        member=leader, cell=cast.cell, kind=PositionKind.SECRETARY, valid_from=dt.date(2024, 6, 1), by=SYSTEM
    )
    client = api_as(cast.staff)
    items = client.get(f"/api/v1/orgs/{cast.ward.pk}/rights?limit=500").json()["items"]
    sources = {(i["username"], i["source"], i["role"]) for i in items}
    assert ("kien", "position", "cell_leader") in sources
    assert ("kien", "membership", "member") in sources
    assert ("giamsat", "grant", "supervisor") in sources
    kien = next(i for i in items if i["source"] == "position")
    assert kien["name"] == "Phan Thanh Kiên" and kien["source_label"] == "chức vụ: Bí thư"
    before = client.get(f"/api/v1/orgs/{cast.ward.pk}/rights?date=2024-03-01&limit=500").json()["items"]
    assert ("kien", "position", "cell_leader") not in {
        (i["username"], i["source"], i["role"]) for i in before
    }


def test_grant_and_revoke_through_the_api(cast, api_as):
    target = make_user("moi")
    client = api_as(cast.staff)
    response = post_json(
        client,
        f"/api/v1/orgs/{cast.ward.pk}/rights",
        {"account": "moi", "role": "staff", "valid_from": "2025-01-01", "reason": "QĐ 1"},
    )
    assert response.status_code == 201, response.content
    role_id = response.json()["id"]
    assert Role.objects.get(pk=role_id).user == target
    response = post_json(client, f"/api/v1/orgs/{cast.ward.pk}/rights/{role_id}/revoke", {"reason": "hết"})
    assert response.status_code == 200 and response.json()["valid_until"] is not None
    assert AuditEntry.objects.filter(action__in=[Action.GRANT, Action.REVOKE]).count() == 2


def test_a_grant_above_ones_role_is_403_and_bad_input_422(cast, api_as):
    make_user("moi")
    client = api_as(cast.staff)
    url = f"/api/v1/orgs/{cast.ward.pk}/rights"
    body = {"account": "moi", "role": "admin", "valid_from": "2025-01-01", "reason": "QĐ 1"}
    assert post_json(client, url, body).status_code == 403
    response = post_json(client, url, {**body, "role": "member"})
    assert response.status_code == 422
    response = post_json(client, url, {**body, "role": "staff", "account": "khongco"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "account"
    response = post_json(client, url, {**body, "role": "staff", "valid_until": "2024-01-01"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "valid_until"
    supervisor = api_as(cast.supervisor)
    assert supervisor.get(url).status_code == 200
    assert post_json(supervisor, url, {**body, "role": "supervisor"}).status_code == 403
    assert not Role.objects.filter(user__username="moi").exists()
    assert not AuditEntry.objects.filter(action=Action.GRANT).exists()


def test_a_sibling_organisations_staff_is_refused_on_every_route(cast, granted, api_as):
    make_user("moi")
    client = api_as(cast.outsider)
    assert client.get(f"/api/v1/orgs/{cast.ward.pk}/rights").status_code == 404
    body = {"account": "moi", "role": "staff", "valid_from": "2025-01-01", "reason": "QĐ 1"}
    assert post_json(client, f"/api/v1/orgs/{cast.ward.pk}/rights", body).status_code == 404
    assert post_json(client, f"/api/v1/orgs/{cast.ward.pk}/rights/{granted.pk}/revoke", {}).status_code == 404
    # Through their own organisation's id, a role of ours is not found either.
    assert (
        post_json(client, f"/api/v1/orgs/{cast.ward2.pk}/rights/{granted.pk}/revoke", {}).status_code == 404
    )
    granted.refresh_from_db()
    assert granted.valid_until is None
    assert not Role.objects.filter(user__username="moi").exists()
    leader = api_as(cast.leader_user)
    assert leader.get(f"/api/v1/orgs/{cast.cell.pk}/rights").status_code == 403
