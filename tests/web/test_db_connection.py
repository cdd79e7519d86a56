"""Database connections as the web processes open them (chibo/settings.py)."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_connections_never_jit_compile():
    # JIT compilation cost 0.5 s per roster at city size; settings turn it off on every connection.
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
    # A fresh connection too (as each thread of a worker opens its own), not only the test run's.
    fresh = connection.copy()
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone() == ("off",)
    finally:
        fresh.close()


def test_connections_suit_threaded_workers(settings):
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        # Threads of one process write one at a time: a writer waits for the lock instead of failing.
        assert db["OPTIONS"]["timeout"] >= 20 and db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert db["CONN_MAX_AGE"] == 0
    else:
        assert db["CONN_HEALTH_CHECKS"] is True and "-c jit=off" in db["OPTIONS"]["options"]
