import re

from django.test import Client

from chibo.api.models import ApiToken
from chibo.api.services import token_create
from chibo.common.access import SYSTEM

PAGE = "/khoa-api/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_token_page_needs_a_login(cast, client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_a_user_creates_a_token_and_sees_it_once(cast):
    client = logged_in(cast.leader_user)
    response = client.post(PAGE, {"name": "Bảng tính báo cáo"})
    assert response.status_code == 200
    raw = re.search(r"chibo_[\w-]{20,}", response.content.decode()).group(0)
    token = ApiToken.objects.get(user=cast.leader_user)
    assert token.name == "Bảng tính báo cáo" and raw.startswith(token.prefix)
    assert raw not in client.get(PAGE).content.decode()
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/orgs").status_code == 200


def test_a_token_needs_a_name(cast):
    response = logged_in(cast.leader_user).post(PAGE, {"name": " "})
    assert "Tên khóa: không được để trống." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_user_lists_only_their_own_tokens(cast):
    token_create(user=cast.leader_user, name="của bí thư", by=SYSTEM)
    token_create(user=cast.outsider, name="của cán bộ Hoàn Kiếm", by=SYSTEM)
    page = logged_in(cast.leader_user).get(PAGE).content.decode()
    assert "của bí thư" in page and "của cán bộ Hoàn Kiếm" not in page


def test_a_user_revokes_their_own_token(cast):
    token, raw = token_create(user=cast.leader_user, name="cũ", by=SYSTEM)
    response = logged_in(cast.leader_user).post(f"{PAGE}{token.pk}/thu-hoi/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/orgs").status_code == 401


def test_someone_elses_token_cannot_be_revoked(cast):
    token, _ = token_create(user=cast.outsider, name="của người khác", by=SYSTEM)
    response = logged_in(cast.leader_user).post(f"{PAGE}{token.pk}/thu-hoi/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
