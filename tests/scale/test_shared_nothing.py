"""Several app processes behind one address share nothing but the database and the files: one secret key
for all, no state kept per process, and the router's rules (tests/scale/test_replica.py runs a real replica)."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db import connections
from django.utils.module_loading import import_string

from chibo.common import replica
from chibo.reporting.models import OrgMonthFact

CHIBO = Path(__file__).resolve().parents[2] / "chibo"


def start(tmp_path, **env):
    """`chibo check` in a fresh process with exactly this configuration (no SECRET_KEY unless given)."""
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "from chibo.cli import main; main(['chibo', 'check'])"],
        env={**base, "DJANGO_SETTINGS_MODULE": "chibo.settings", "CHIBO_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


SERVER_DB = "postgres://chibo@127.0.0.1:9/chibo"  # never connected to: `check` reads settings only


def test_a_production_start_on_a_server_database_refuses_without_a_secret_key(tmp_path):
    result = start(tmp_path, DATABASE_URL=SERVER_DB)
    assert result.returncode == 2, result.stderr
    assert "Biến môi trường SECRET_KEY chưa được đặt" in result.stderr
    assert "dùng chung một khóa bí mật" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "secret_key").exists()  # no per-machine key was made


def test_with_the_key_given_it_starts(tmp_path):
    result = start(tmp_path, DATABASE_URL=SERVER_DB, SECRET_KEY="one-key-for-every-server-" + "x" * 30)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("env", [{}, {"DATABASE_URL": SERVER_DB, "DEBUG": "1"}], ids=["sqlite-demo", "debug"])
def test_the_demo_and_development_still_generate_a_key_per_machine(tmp_path, env):
    result = start(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    assert len((tmp_path / "secret_key").read_text()) > 40


def test_a_replica_needs_postgresql_on_both_sides(tmp_path):
    result = start(tmp_path, DATABASE_REPLICA_URL=SERVER_DB)  # the primary is SQLite here
    assert result.returncode == 2
    assert "DATABASE_REPLICA_URL" in result.stderr and "PostgreSQL" in result.stderr


def test_no_state_shared_between_processes_lives_in_the_per_process_cache():
    # Django's cache is in memory, per process: sessions, login lockouts, the portal's rate limits and
    # second-factor throttling must live in the database for several app processes to agree.
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert issubclass(import_string(settings.AXES_HANDLER), AxesDatabaseHandler)
    users = []
    for path in CHIBO.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [a.name for a in node.names] if isinstance(node, ast.Import | ast.ImportFrom) else []
            if any(name.startswith("django.core.cache") for name in names):
                users.append(str(path.relative_to(CHIBO)))
    assert users == [], "uses the per-process cache: " + ", ".join(users)


# --- the router's rules without a replica (every test database) and with one configured ---


def test_without_a_replica_everything_uses_the_primary():
    router = replica.ReplicaRouter()
    assert not replica.replica_configured()
    with replica.reading_replica() as alias:
        assert alias == "default"
        assert router.db_for_read(OrgMonthFact) is None  # Django's default: `default`
    assert router.db_for_write(OrgMonthFact) == "default"


@pytest.fixture
def configured(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    token = replica._reading_replica.set(False)
    yield replica.ReplicaRouter()
    replica._reading_replica.reset(token)


def test_reads_go_to_the_replica_only_inside_a_reporting_read(configured):
    assert configured.db_for_read(OrgMonthFact) is None
    replica._reading_replica.set(True)
    assert configured.db_for_read(OrgMonthFact) == "replica"
    assert configured.db_for_write(OrgMonthFact) == "default"  # writes never go to the replica


def test_inside_a_transaction_on_the_primary_reads_stay_there(configured, monkeypatch):
    replica._reading_replica.set(True)
    monkeypatch.setattr(connections["default"], "in_atomic_block", True)
    assert configured.db_for_read(OrgMonthFact) is None


def test_the_replica_is_never_migrated():
    router = replica.ReplicaRouter()
    assert router.allow_migrate("replica", "reporting") is False
    assert router.allow_migrate("default", "reporting") is None


def test_the_reporting_pages_read_the_replica_and_the_forms_do_not():
    from chibo.reporting.views import dashboard, fixes, plans, reports

    def marked(view):
        return (
            getattr(view, "__wrapped__", None) is not None and view.__code__ is not view.__wrapped__.__code__
        )

    assert all(marked(v) for v in (dashboard.dashboard, fixes.fixes_view, fixes.fix_list_view))
    assert not any(marked(v) for v in (reports.reports, reports.report_job, plans.plan_create_view))
