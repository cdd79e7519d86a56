import pytest
from django.test import Client

from chibo.api.services import token_create
from chibo.common.access import SYSTEM


@pytest.fixture
def api_as(db):
    """api_as(user) -> a test client that sends a fresh bearer token of `user` with every request."""

    def make(user) -> Client:
        _, raw = token_create(user=user, name="thử nghiệm", by=SYSTEM)
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


def post_json(client: Client, url: str, data: dict):
    return client.post(url, data, content_type="application/json")


def patch_json(client: Client, url: str, data: dict):
    return client.patch(url, data, content_type="application/json")
