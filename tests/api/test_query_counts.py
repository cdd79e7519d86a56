from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_member


def queries_for(client, url) -> int:
    client.get(url)  # warm up: last_used_at is written on the first call only
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_endpoints_use_a_fixed_number_of_queries_whatever_the_page_size(cast, api_as):
    client = api_as(cast.staff)
    urls = [
        "/api/v1/members",
        "/api/v1/orgs",
        f"/api/v1/orgs/{cast.cell.pk}/roster",
        f"/api/v1/orgs/{cast.ward.pk}/roster",
    ]
    few = {url: queries_for(client, url) for url in urls}
    for n in range(20):
        make_member(cast.cell if n % 2 else cast.cell2)
    many = {url: queries_for(client, url) for url in urls}
    assert many == few
    # token, roles, count, page, the audit log's "read within the hour" check (+ the org and a second role
    # kind for a roster)
    assert max(few.values()) <= 7


def test_member_detail_uses_a_fixed_number_of_queries(cast, api_as):
    client = api_as(cast.staff)
    url = f"/api/v1/members/{cast.member.pk}"
    assert queries_for(client, url) <= 13  # with the read logged (audit_read) and the view level
