"""A write with no credentials is 401 (not a CSRF 403); read-only tokens refuse writes; tokens expire."""

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from chibo.api.models import ApiToken
from chibo.api.services import token_create
from chibo.common.access import SYSTEM

ORGS = "/api/v1/orgs"
UNAUTHENTICATED = "Chưa xác thực"


def transfer(client: Client, cast):
    return client.post(
        f"/api/v1/members/{cast.member.pk}/transfer",
        {"to_cell": cast.cell2.pk, "on": "2024-01-01"},
        content_type="application/json",
    )


def bearer(raw: str) -> Client:
    # CSRF enforced, as for curl against a real server (the test client skips it by default).
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})


@pytest.mark.parametrize("method", ["post", "patch", "put", "delete"])
def test_a_write_without_a_token_is_401_in_json(cast, method):
    urls = {
        "post": f"/api/v1/members/{cast.member.pk}/transfer",
        "patch": f"/api/v1/members/{cast.member.pk}",
        "put": f"/api/v1/members/{cast.member.pk}",
        "delete": "/api/v1/supervision/visits/1",
    }
    response = getattr(Client(enforce_csrf_checks=True), method)(
        urls[method], "{}", content_type="application/json"
    )
    if method == "put":
        # No PUT operation in the API: the method, not the credentials, is what is wrong.
        assert response.status_code == 405
        return
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"].startswith(UNAUTHENTICATED)


def test_a_write_with_a_wrong_token_is_401_not_a_csrf_refusal(cast):
    response = transfer(bearer("chibo_khong-phai-khoa-that"), cast)
    assert response.status_code == 401
    assert "CSRF" not in response.json()["detail"]


def test_a_logged_in_session_still_needs_the_csrf_token_to_write(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.staff)
    response = transfer(client, cast)
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


def test_a_read_only_token_reads(cast):
    _, raw = token_create(user=cast.staff, name="bảng tính", by=SYSTEM, read_only=True)
    assert bearer(raw).get(ORGS).status_code == 200


def test_a_read_only_token_cannot_write(cast):
    _, raw = token_create(user=cast.staff, name="bảng tính", by=SYSTEM, read_only=True)
    response = transfer(bearer(raw), cast)
    assert response.status_code == 403
    assert "chỉ được đọc" in response.json()["detail"]
    assert cast.member.memberships.count() == 1


def test_a_read_write_token_writes(cast):
    _, raw = token_create(user=cast.staff, name="đồng bộ", by=SYSTEM)
    assert transfer(bearer(raw), cast).status_code == 201


def test_a_token_works_through_its_last_day_then_gets_401(cast):
    today = timezone.localdate()
    token, raw = token_create(user=cast.staff, name="một lần", by=SYSTEM, last_day=today)
    assert timezone.localtime(token.expires_at) == timezone.make_aware(
        dt.datetime.combine(today + dt.timedelta(days=1), dt.time())
    )
    assert bearer(raw).get(ORGS).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = bearer(raw).get(ORGS)
    assert response.status_code == 401
    assert response.json()["detail"].startswith(UNAUTHENTICATED)


def test_a_token_cannot_expire_in_the_past(cast):
    with pytest.raises(ValidationError) as error:
        token_create(
            user=cast.staff, name="k", by=SYSTEM, last_day=timezone.localdate() - dt.timedelta(days=1)
        )
    assert "last_day" in error.value.message_dict


def test_the_token_page_offers_read_only_and_a_last_day(cast):
    client = Client()
    client.force_login(cast.leader_user)
    last_day = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        "/khoa-api/", {"name": "Báo cáo quý", "read_only": "on", "last_day": last_day.strftime("%d/%m/%Y")}
    )
    assert response.status_code == 200
    assert re.search(r"chibo_[\w-]{20,}", response.content.decode())
    token = ApiToken.objects.get(user=cast.leader_user)
    assert token.read_only
    assert timezone.localtime(token.expires_at).date() == last_day + dt.timedelta(days=1)
    page = client.get("/khoa-api/").content.decode()
    assert "Chỉ đọc" in page and (last_day + dt.timedelta(days=1)).strftime("%d/%m/%Y") in page


def test_the_command_line_offers_read_only_and_until(cast):
    out = io.StringIO()
    call_command(
        "api_token", "create", "canbo", "--name", "k", "--read-only", "--until", "31/12/2999", stdout=out
    )
    token = ApiToken.objects.get(user=cast.staff)
    assert token.read_only
    assert timezone.localtime(token.expires_at) == timezone.make_aware(dt.datetime(3000, 1, 1))
    assert "chỉ đọc" in out.getvalue() and "31/12/2999" in out.getvalue()
    listing = io.StringIO()
    call_command("api_token", "list", "canbo", stdout=listing)
    assert "chỉ đọc" in listing.getvalue() and "01/01/3000" in listing.getvalue()
    with pytest.raises(CommandError, match="dd/mm/yyyy"):
        call_command("api_token", "create", "canbo", "--name", "k", "--until", "2999-13-01")
