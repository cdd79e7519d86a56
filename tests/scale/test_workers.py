"""Two background workers (`chibo db_worker`) started together on PostgreSQL never run one job twice:
django-tasks-db claims a job with SELECT … FOR UPDATE SKIP LOCKED and marks it running in the same
transaction. The workers are real processes on a database of their own (created here, dropped after)."""

import collections
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
JOBS = 200

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="runs in the PostgreSQL run (DATABASE_URL=postgres://…): the claim under test is PostgreSQL's row lock",
)


@pytest.fixture
def database():
    """A fresh, migrated database on the test server; yields its URL."""
    server = dict(settings.DATABASES["default"])
    name = f"chibo_workers_{uuid.uuid4().hex[:8]}"
    conninfo = {
        "host": server["HOST"] or "127.0.0.1",
        "port": server["PORT"] or 5432,
        "user": server["USER"],
        "password": server["PASSWORD"] or None,
    }
    admin = psycopg.connect(dbname="postgres", autocommit=True, **conninfo)
    admin.execute(f'CREATE DATABASE "{name}"')
    auth = f"{conninfo['user']}:{server['PASSWORD']}" if server["PASSWORD"] else conninfo["user"]
    try:
        yield f"postgres://{auth}@{conninfo['host']}:{conninfo['port']}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def chibo_env(url: str, data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="chibo.settings",  # the production task backend: jobs in the database
        DATABASE_URL=url,
        SECRET_KEY="workers-test-only-secret-key-0123456789",
        CHIBO_DATA_DIR=str(data_dir),
        LOG_LEVEL="INFO",  # the worker logs "Starting worker" once it polls
    )
    return env


def run(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not condition():
        time.sleep(0.1)
    return condition()


def test_two_workers_started_together_run_each_job_exactly_once(database, tmp_path):
    env = chibo_env(database, tmp_path / "data")
    run(env, "-m", "chibo.cli", "migrate", "-v0")
    runs = tmp_path / "runs.txt"
    runs.touch()
    logs = [tmp_path / f"worker-{i}.log" for i in (1, 2)]
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "chibo.cli", "db_worker", "--interval", "0.05", "--no-startup-delay"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(log, "w"),  # noqa: SIM115
        )
        for log in logs
    ]
    try:
        assert wait_for(lambda: all("Starting worker" in log.read_text() for log in logs), 120), [
            log.read_text()[-2000:] for log in logs
        ]
        # Both are polling; the jobs appear to both at once.
        run(env, "-m", "tests.scale.workers_scenario", "enqueue", str(JOBS), str(runs))

        def finished():
            return len(runs.read_text().splitlines()) >= JOBS

        assert wait_for(finished, 180), f"{len(runs.read_text().splitlines())} of {JOBS} jobs ran"
        time.sleep(0.5)  # a double run would land now: the workers keep polling while we count
        jobs = json.loads(run(env, "-m", "tests.scale.workers_scenario", "report"))
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)

    executions = collections.Counter(int(line.split()[0]) for line in runs.read_text().splitlines())
    assert sorted(executions) == list(range(JOBS))
    assert set(executions.values()) == {1}, {n: c for n, c in executions.items() if c > 1}
    assert len(jobs) == JOBS
    assert {status for status, _, _ in jobs} == {"SUCCESSFUL"}
    assert all(len(worker_ids) == 1 for _, worker_ids, _ in jobs)  # claimed once, by one worker
    # Both workers took part, so the single runs above were a real contest, not one worker doing it all.
    processes = {line.split()[1] for line in runs.read_text().splitlines()}
    assert len(processes) == 2, processes
    assert len({worker_ids[0] for _, worker_ids, _ in jobs}) == 2
