import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from chibo.api.models import ApiToken


def run(*args) -> str:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def test_create_prints_the_token_once_and_it_works(cast):
    output = run("create", "canbo", "--name", "báo cáo tháng")
    raw = output.strip().splitlines()[-1]
    assert raw.startswith("chibo_")
    token = ApiToken.objects.get(user=cast.staff)
    assert token.name == "báo cáo tháng"
    assert raw not in run("list", "canbo")
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/orgs").status_code == 200


def test_list_shows_the_users_tokens_by_id_and_prefix(cast):
    run("create", "canbo", "--name", "một")
    run("create", "canbo", "--name", "hai")
    output = run("list", "canbo")
    for token in ApiToken.objects.filter(user=cast.staff):
        assert f"{token.pk}\t{token.name}\t{token.prefix}" in output


def test_revoke_stops_the_token(cast):
    raw = run("create", "canbo", "--name", "k").strip().splitlines()[-1]
    token = ApiToken.objects.get(user=cast.staff)
    assert "Đã thu hồi" in run("revoke", str(token.pk))
    assert "đã thu hồi" in run("list", "canbo")
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/orgs").status_code == 401


def test_unknown_user_or_token_is_a_clear_error(cast):
    with pytest.raises(CommandError, match="Không có tài khoản"):
        run("create", "khong-ai", "--name", "k")
    with pytest.raises(CommandError, match="Không có khóa"):
        run("revoke", "999")
