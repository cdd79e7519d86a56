"""A NUL character in an API filter is a JSON 400 (PostgreSQL refuses NUL in text: it would be a 500)."""

import pytest

from chibo.common.http import NUL_REFUSED

pytestmark = pytest.mark.django_db


def test_an_api_filter_with_a_nul_byte_is_a_json_400(cast, api_as):
    api = api_as(cast.staff)
    response = api.get("/api/v1/meetings?cell_code=BD%0001")
    assert response.status_code == 400
    assert response.json() == {"detail": NUL_REFUSED}
    assert api.get("/api/v1/meetings?cell_code=BD-01").status_code == 200
