"""List pages cost the same number of queries whatever the page holds (no query per row)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo.common.access import SYSTEM
from chibo.members.services import exemption_create, training_record_create
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_members(cast, n):
    for _ in range(n):
        member = make_member(cast.cell2)
        exemption_create(member=member, valid_from=dt.date(2024, 1, 1), reason="Ốm", by=SYSTEM)
        training_record_create(member=member, course_title="Lớp A", started_on=dt.date(2025, 1, 1), by=SYSTEM)


@pytest.mark.parametrize(
    "name",
    ["members:org_members", "members:org_exemptions", "members:org_trainings", "audit:org_audit"],
)
def test_ward_list_pages_do_not_query_per_row(cast, as_user, name):
    client = as_user(cast.staff)
    url = reverse(name, args=[cast.ward.pk])
    add_members(cast, 1)
    few = queries(client, url)
    add_members(cast, 3)
    assert queries(client, url) == few


def test_member_and_org_lists_do_not_query_per_row(cast, as_user):
    client = as_user(cast.staff)
    add_members(cast, 1)
    few = queries(client, reverse("members:list")), queries(client, reverse("orgs:list"))
    add_members(cast, 3)
    assert (queries(client, reverse("members:list")), queries(client, reverse("orgs:list"))) == few
