"""A NUL character in a search box or an API filter is a clear 400, on SQLite and on PostgreSQL (which
refuses NUL in text and would otherwise answer 500)."""

import pytest
from django.urls import reverse

from chibo.common.http import NUL_REFUSED

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        lambda cast: reverse("members:list") + "?q=Nguy%00n",
        lambda cast: reverse("orgs:list") + "?q=%00",
        lambda cast: reverse("members:list") + "?q%00=1",
    ],
)
def test_a_search_with_a_nul_byte_is_a_clear_400(cast, client, url):
    client.force_login(cast.staff)
    response = client.get(url(cast))
    assert response.status_code == 400
    assert response.content.decode() == NUL_REFUSED
    # The same search without it works.
    assert client.get(reverse("members:list") + "?q=Nguyen").status_code == 200

