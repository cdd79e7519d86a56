"""The restore drill of docs/operations.md: back up the database, restore it into a fresh one, and the
indicators read there are identical, computed from the records and read from the facts. PostgreSQL:
`pg_dump -Fc` / `pg_restore`; SQLite: the online backup API (what `sqlite3 … ".backup …"` does)."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from chibo.reporting import facts
from tests.reporting.scenario import MARCH, build
from tests.resolutions.conftest import task_rules  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def indicators(database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.scale.indicators_of", "BD", "2025-03"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def ward_month(cast, task_rules):  # noqa: F811
    build(cast, task_rules)
    facts.rebuild_month(MARCH)


def _pg_url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{name}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs in the PostgreSQL run; SQLite has its own drill")
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_a_postgresql_dump_restored_into_a_fresh_database_gives_the_same_indicators(ward_month, tmp_path):
    source = connection.settings_dict["NAME"]
    fresh = f"chibo_restore_{uuid.uuid4().hex[:8]}"
    dump = tmp_path / "chibo.dump"
    s = connection.settings_dict
    pg_env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
    conn = ["-h", s.get("HOST") or "127.0.0.1", "-p", str(s.get("PORT") or 5432), "-U", s["USER"]]
    subprocess.run(["pg_dump", "-Fc", *conn, "-f", str(dump), source], env=pg_env, check=True, timeout=300)
    subprocess.run(["createdb", *conn, fresh], env=pg_env, check=True, timeout=60)
    try:
        subprocess.run(
            ["pg_restore", *conn, "--no-owner", "-d", fresh, str(dump)], env=pg_env, check=True, timeout=300
        )
        original = indicators(_pg_url(source))
        assert original["records"]["regular_meeting_rate"] != [0, 0]  # a month with meetings, not an empty one
        assert indicators(_pg_url(fresh)) == original
    finally:
        subprocess.run(["dropdb", *conn, "--if-exists", fresh], env=pg_env, timeout=60)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite drill; PostgreSQL has pg_dump")
def test_a_sqlite_online_backup_gives_the_same_indicators(ward_month, tmp_path):
    connection.ensure_connection()
    original_file = tmp_path / "original.sqlite3"
    backup_file = tmp_path / "backup.sqlite3"
    # The test database lives in memory: copy it to a file first, as the running server's file would be.
    with sqlite3.connect(original_file) as target:
        connection.connection.backup(target)
    with sqlite3.connect(original_file) as source, sqlite3.connect(backup_file) as target:
        source.backup(target)
    original = indicators(f"sqlite:///{original_file}")
    assert original["records"]["regular_meeting_rate"] != [0, 0]
    assert indicators(f"sqlite:///{backup_file}") == original
