import datetime as dt

from django.test import Client
from django.utils import timezone

from chibo.api.models import ApiToken, hash_token
from chibo.api.services import token_create, token_revoke
from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from tests.api.conftest import post_json

ORGS = "/api/v1/orgs"


def test_no_token_gets_401_in_json_not_a_login_redirect(cast, client):
    response = client.get(ORGS)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.json()["detail"]


def test_bad_token_gets_401(cast):
    response = Client(headers={"Authorization": "Bearer chibo_khong-phai-khoa-that"}).get(ORGS)
    assert response.status_code == 401


def test_valid_token_authenticates_as_its_user(cast, api_as):
    response = api_as(cast.staff).get(ORGS)
    assert response.status_code == 200
    assert {o["code"] for o in response.json()["items"]} == {"BD", "BD-01", "BD-02"}


def test_only_the_hash_of_a_token_is_stored(cast):
    token, raw = token_create(user=cast.staff, name="máy chủ báo cáo", by=SYSTEM)
    token.refresh_from_db()
    assert raw.startswith("chibo_")
    assert token.key_hash == hash_token(raw)
    assert raw not in {token.key_hash, token.prefix, token.name}
    assert raw.startswith(token.prefix)


def test_revoked_token_gets_401(cast):
    token, raw = token_create(user=cast.staff, name="cũ", by=SYSTEM)
    token_revoke(token=token, by=cast.staff)
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get(ORGS)
    assert response.status_code == 401


def test_token_of_a_deactivated_user_gets_401(cast):
    _, raw = token_create(user=cast.staff, name="k", by=SYSTEM)
    cast.staff.is_active = False
    cast.staff.save(update_fields=["is_active"])
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get(ORGS).status_code == 401


def test_use_records_last_used_at_at_most_once_a_minute(cast):
    token, raw = token_create(user=cast.staff, name="k", by=SYSTEM)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    client.get(ORGS)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(ORGS)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=5))
    client.get(ORGS)
    token.refresh_from_db()
    assert token.last_used_at > first - dt.timedelta(seconds=1)
    assert token.last_used_at <= timezone.now()


def test_creating_and_revoking_a_token_is_audited(cast):
    token, _ = token_create(user=cast.staff, name="k", by=cast.staff)
    token_revoke(token=token, by=cast.staff)
    actions = list(
        AuditEntry.objects.filter(model="api.apitoken", object_id=str(token.pk)).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["create", "update"]


def test_logged_in_browser_session_may_read(cast):
    client = Client()
    client.force_login(cast.staff)
    assert client.get(ORGS).status_code == 200


def test_session_write_without_csrf_token_is_refused(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.staff)
    response = post_json(
        client, f"/api/v1/members/{cast.member.pk}/transfer", {"to_cell": cast.cell2.pk, "on": "2024-01-01"}
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_token_write_needs_no_csrf_token(cast):
    _, raw = token_create(user=cast.staff, name="k", by=SYSTEM)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    response = post_json(
        client, f"/api/v1/members/{cast.member.pk}/transfer", {"to_cell": cast.cell2.pk, "on": "2024-01-01"}
    )
    assert response.status_code == 201
