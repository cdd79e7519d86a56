"""The bare signed-in page (/suc-khoe/): what monitoring checks and the meeting-night benchmark's floor."""

import pytest
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_signed_in_user_gets_ok(client):
    client.force_login(make_user("nguoi-dung"))
    response = client.get(reverse("alive"))
    assert response.status_code == 200
    assert response.content == b"ok"


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("alive"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
