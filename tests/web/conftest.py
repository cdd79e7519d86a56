import pytest


@pytest.fixture
def as_user(client):
    """`as_user(user)` returns the test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def cast_partial(cast):
    """A partial committee inside the ward: somewhere the ward's staff may move cells to."""
    from chibo.orgs.models import OrgKind
    from tests.factories import make_org

    return make_org("Đảng bộ bộ phận khu A", kind=OrgKind.PARTIAL, parent=cast.ward, code="BD-A")
