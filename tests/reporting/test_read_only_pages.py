"""Dashboards and the lists behind them only read: a GET writes nothing, even with stale facts or
months never built; the background job brings the figures up to date, and the page says when they
were computed and that some are being updated meanwhile."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo.reporting.models import StaleCellMonth
from tests.reporting.scenario import MARCH, build, run_facts_job
from tests.reporting.test_dashboard import card
from tests.resolutions.conftest import task_rules  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _writes(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


def _pages(cast):
    dashboard = reverse("reporting:dashboard", args=[cast.ward.pk]) + "?ky=2025-03"
    fixes = reverse("reporting:fixes", args=[cast.ward.pk]) + "?ky=2025-03"
    one_list = reverse("reporting:fix_list", args=[cast.ward.pk, "chua-giao-nhiem-vu"]) + "?ky=2025-03"
    cell = reverse("reporting:dashboard", args=[cast.cell.pk]) + "?ky=2025-03"
    return [dashboard, fixes, one_list, cell]


def _get_without_writes(client, url):
    client.get(url)  # the session and the login's bookkeeping are written once, before measuring
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert _writes(ctx) == [], url
    return response


def test_nothing_built_yet_the_pages_write_nothing_and_say_so(client, cast, task_rules):  # noqa: F811
    build(cast, task_rules)  # writes; in the tests the queued job waits for run_facts_job
    client.force_login(cast.staff)
    for url in _pages(cast):
        html = _get_without_writes(client, url).content.decode()
        assert "đang được cập nhật" in html


def test_after_a_write_the_page_reads_and_the_job_makes_it_exact(client, cast, task_rules):  # noqa: F811
    from chibo.meetings.models import Meeting
    from chibo.resolutions.services import task_assign

    build(cast, task_rules)
    run_facts_job()
    client.force_login(cast.staff)
    dashboard = _pages(cast)[0]
    html = _get_without_writes(client, dashboard).content.decode()
    assert "2/7" in card(html, "task_coverage_rate")[1]
    assert "Số liệu tính lúc" in html and "đang được cập nhật" not in html

    second = Meeting.objects.get(cell=cast.cell, scheduled_at__day=20, scheduled_at__month=3)
    task_assign(
        meeting=second, members=[cast.member], text="Rà soát", due_on=dt.date(2025, 3, 31), by=cast.staff
    )
    assert StaleCellMonth.objects.filter(cell_id=cast.cell.pk, month=MARCH).exists()
    for url in _pages(cast):
        _get_without_writes(client, url)
    # Still stale after every GET: only the job refreshes; until then the page says so.
    assert StaleCellMonth.objects.filter(cell_id=cast.cell.pk, month=MARCH).exists()
    html = client.get(dashboard).content.decode()
    assert "2/7" in card(html, "task_coverage_rate")[1] and "đang được cập nhật" in html

    run_facts_job()
    html = _get_without_writes(client, dashboard).content.decode()
    assert "3/7" in card(html, "task_coverage_rate")[1] and "đang được cập nhật" not in html
