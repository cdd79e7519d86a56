"""reporting 0003: plans' stored end goes from inclusive ("đến hết") to half-open and back, on SQLite
and PostgreSQL alike."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import make_org

BEFORE = [("reporting", "0002_report_jobs")]
AFTER = [("reporting", "0003_plan_half_open_end")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_stored_ends_gain_a_day_forward_and_lose_it_backward():
    owner = make_org("Đảng bộ phường Ba Đình", kind="grassroots", code="BD")
    try:
        old = _migrate(BEFORE).get_model("reporting", "Plan")
        rows = {
            "year": (dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
            "one-day": (dt.date(2025, 3, 1), dt.date(2025, 3, 1)),  # last day = first day
            "open": (dt.date(2024, 1, 1), None),
        }
        for number, (start, last) in rows.items():
            old.objects.create(
                owner_id=owner.pk, number=number, issued_on=start, valid_from=start, valid_until=last
            )

        new = _migrate(AFTER).get_model("reporting", "Plan")
        stored = dict(new.objects.values_list("number", "valid_until"))
        assert stored == {"year": dt.date(2026, 1, 1), "one-day": dt.date(2025, 3, 2), "open": None}

        back = _migrate(BEFORE).get_model("reporting", "Plan")
        assert dict(back.objects.values_list("number", "valid_until")) == {
            number: last for number, (_start, last) in rows.items()
        }
    finally:
        _migrate(AFTER)
