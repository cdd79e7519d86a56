"""The background worker survives database errors, and a job whose worker died mid-step is shown as
interrupted within a minute and can be run again, writing once."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from chibo.common import workers
from chibo.common.management.commands.db_worker import SurvivingWorker
from chibo.common.models import WorkerBeat
from chibo.dataio.models import ImportJob, JobStatus
from chibo.dataio.services import WORKER_DIED_MESSAGE, import_job_rerun
from chibo.members.models import Member
from tests.dataio.helpers import csv_bytes

pytestmark = pytest.mark.django_db

ROW = ["W1", "Mai Văn Nền", "Nam", "", "", "", "", "01/01/2010", "", ""]


def running_job(cast, *, worker: str, status=JobStatus.IMPORTING) -> ImportJob:
    job = ImportJob(
        user=cast.staff,
        kind="members",
        file_name="dv.csv",
        status=status,
        background=True,
        dry_run=False,
        worker=worker,
        started_at=timezone.now(),
    )
    job.file.save("dv.csv", ContentFile(csv_bytes("members", [ROW])), save=False)
    job.save()
    return job


def test_a_job_of_a_worker_that_stopped_beating_is_interrupted_and_runs_again_once(cast, client):
    now = timezone.now()
    WorkerBeat.objects.create(worker="may-1:10", seen_at=now - dt.timedelta(seconds=90))  # killed
    WorkerBeat.objects.create(worker="may-2:20", seen_at=now - dt.timedelta(seconds=5))  # alive
    dead = running_job(cast, worker="may-1:10")
    alive = running_job(cast, worker="may-2:20")

    assert workers.sweep(now=now) == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == JobStatus.FAILED and dead.interrupted
    assert dead.errors[0]["message"] == WORKER_DIED_MESSAGE
    assert alive.status == JobStatus.IMPORTING and not alive.interrupted

    client.force_login(cast.staff)
    page = client.get(reverse("dataio:job", args=[dead.pk])).content.decode()
    assert "Bị gián đoạn" in page and reverse("dataio:rerun", args=[dead.pk]) in page
    client.post(reverse("dataio:rerun", args=[dead.pk]))  # tasks run at once in the tests
    client.post(reverse("dataio:rerun", args=[dead.pk]))  # posted twice: the second finds nothing to do
    dead.refresh_from_db()
    assert dead.status == JobStatus.DONE and not dead.interrupted
    assert Member.objects.filter(card_number="W1").count() == 1
    assert not import_job_rerun(job=dead)


def test_a_job_without_a_worker_or_in_the_web_process_is_left_to_its_timeout(cast):
    waiting = running_job(cast, worker="", status=JobStatus.QUEUED)  # not yet claimed
    assert workers.sweep() == 0
    waiting.refresh_from_db()
    assert waiting.status == JobStatus.QUEUED


def test_the_heart_beats_for_this_process(cast):
    workers.beat()
    assert workers.worker_id() in workers.alive_workers()


def test_the_worker_survives_a_database_error_and_goes_on(monkeypatch):
    calls = []

    def flaky_run(self):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return None  # the second run ends normally (as a batch run with nothing left does)

    # The library's own worker loop (SurvivingWorker's base), failing once.
    monkeypatch.setattr(SurvivingWorker.__mro__[1], "run", flaky_run)
    monkeypatch.setattr("chibo.common.management.commands.db_worker.time.sleep", lambda seconds: None)
    worker = SurvivingWorker(
        queue_names=["default"],
        interval=0.1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="thu",
        excluded_queue_names=[],
    )
    worker.run()
    assert len(calls) == 2


def test_chibo_db_worker_is_ours():
    from django.core.management import get_commands

    assert get_commands()["db_worker"] == "chibo.common"
