"""A database busy past its lock timeout (SQLite "database is locked", a PostgreSQL lock timeout or
deadlock) is a Vietnamese 503 with Retry-After — on the login page too, and in JSON for the API; any
other database error is still a 500."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from chibo.common.http import BUSY_MESSAGE
from chibo.security.backends import LoginGuardBackend
from tests.api.conftest import api_as  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def locked(*args, **kwargs):
    raise OperationalError("database is locked")


def test_a_login_that_waits_for_the_lock_too_long_is_a_503_in_vietnamese(cast, monkeypatch):
    monkeypatch.setattr(LoginGuardBackend, "authenticate", locked)
    client = Client(raise_request_exception=False)
    response = client.post(reverse("login"), {"username": "bithu", "password": "matkhau-thu-123"})
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Hệ thống đang bận" in response.content.decode()


def test_the_api_answers_busy_in_json(cast, api_as, monkeypatch):  # noqa: F811
    import chibo.members.api

    client = api_as(cast.staff)
    client.raise_request_exception = False
    monkeypatch.setattr(chibo.members.api, "search_members", locked)
    response = client.get("/api/v1/members")
    assert response.status_code == 503 and response.json() == {"detail": BUSY_MESSAGE}


@pytest.mark.parametrize("message", ["canceling statement due to lock timeout", "deadlock detected"])
def test_postgresql_lock_failures_are_busy_too(cast, monkeypatch, message):
    def pg_locked(*args, **kwargs):
        raise OperationalError(message)

    monkeypatch.setattr(LoginGuardBackend, "authenticate", pg_locked)
    response = Client(raise_request_exception=False).post(
        reverse("login"), {"username": "x", "password": "y"}
    )
    assert response.status_code == 503


def test_another_database_error_is_still_a_500(cast, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("no such table: members_member")

    monkeypatch.setattr(LoginGuardBackend, "authenticate", broken)
    response = Client(raise_request_exception=False).post(
        reverse("login"), {"username": "x", "password": "y"}
    )
    assert response.status_code == 500
    assert "Đã có lỗi ở máy chủ" in response.content.decode()
