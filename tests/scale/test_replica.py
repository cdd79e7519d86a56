"""The router with a real streaming replica: a primary cluster and a hot standby made by `pg_basebackup -R`,
both on loopback, started here; the pages run in a process configured with DATABASE_REPLICA_URL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.scale import pgcluster

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="runs in the PostgreSQL run (DATABASE_URL=postgres://…); the replica is PostgreSQL's",
    ),
    pytest.mark.skipif(pgcluster.missing_reason() is not None, reason=pgcluster.missing_reason() or ""),
]


@pytest.fixture(scope="module")
def clusters(tmp_path_factory):
    clusters = pgcluster.Clusters()
    try:
        clusters.start_primary()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": clusters.url(clusters.primary_port),
            "CHIBO_DATA_DIR": str(tmp_path_factory.mktemp("replica-data")),
        }
        env.pop("DATABASE_REPLICA_URL", None)
        # The schema first, so the base backup carries it; everything after streams.
        subprocess.run(
            [sys.executable, "-m", "chibo.cli", "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=600
        )
        clusters.start_replica()
        env["DATABASE_REPLICA_URL"] = clusters.url(clusters.replica_port)
        clusters.env = env
        yield clusters
    finally:
        clusters.stop()


@pytest.fixture(scope="module")
def seen(clusters):
    result = subprocess.run(
        [sys.executable, "-m", "tests.scale.replica_scenario"],
        env=clusters.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


FRESHNESS = ['"reporting_factmonth"', '"reporting_orgmonthfact"', '"reporting_stalecellmonth"']


def test_the_standby_really_is_a_replica(clusters):
    import psycopg

    with psycopg.connect(clusters.url(clusters.replica_port)) as conn:
        assert conn.execute("SELECT pg_is_in_recovery()").fetchone()[0] is True
    with psycopg.connect(clusters.url(clusters.primary_port)) as conn:
        assert conn.execute("SELECT count(*) FROM pg_stat_replication").fetchone()[0] == 1


def test_a_dashboard_reads_facts_and_their_age_from_the_replica(seen):
    before = seen["before"]
    assert seen["facts"] > 0
    assert before["status"] == 200 and before["seen"]
    # The facts and the "Số liệu tính lúc" line that dates them: both read on the replica, none on the primary.
    assert set(FRESHNESS) <= set(before["replica_tables"])
    assert not set(FRESHNESS) & set(before["default_tables"])
    assert before["replica_writes"] == []


def test_a_lagging_replica_shows_its_older_time_on_dashboards_and_what_to_fix(seen):
    for name in ("lagging_dashboard", "lagging_fixes"):
        lagging = seen[name]
        assert lagging["status"] == 200, name
        # The primary says 09:10 08/07/2022 already; the paused replica still says 05:06 04/03/2021.
        assert lagging["seen"] and not lagging["hidden"], name
        assert set(FRESHNESS) <= set(lagging["replica_tables"]), name
        assert not set(FRESHNESS) & set(lagging["default_tables"]), name


def test_a_write_inside_a_reporting_read_goes_to_the_primary(seen):
    write = seen["write"]
    assert write["alias"] == "replica" and write["read_from"] == "replica"
    assert write["replica_writes"] == [], write
    assert any('UPDATE "reporting_orgmonthfact"' in q for q in write["default_writes"]), write
    assert write["on_primary"] and not write["on_replica"], write  # replay is paused


def test_pages_that_write_stay_on_the_primary(seen):
    assert seen["reports_page"]["status"] == 200
    assert seen["reports_page"]["replica_tables"] == []


def test_once_replay_catches_up_the_dashboard_shows_the_latest_time(seen):
    after = seen["caught_up_dashboard"]
    assert after["status"] == 200 and after["saved"] and not after["seen"]
