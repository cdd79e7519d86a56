"""Stored import files (personal data) are deleted once refused, failed or left unconfirmed for
CHIBO_IMPORT_FILES_KEEP_HOURS; a job still running keeps its file."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from chibo.dataio.models import ImportJob, JobStatus
from chibo.dataio.services import FILE_REMOVED_MESSAGE, import_files_cleanup

pytestmark = pytest.mark.django_db


def job(cast, status, *, hours_ago: int) -> ImportJob:
    item = ImportJob(user=cast.staff, kind="members", file_name="dang-vien.csv", status=status)
    item.file.save("dang-vien.csv", ContentFile(b"So the,Ho va ten\n"), save=False)
    item.save()
    ImportJob.objects.filter(pk=item.pk).update(created_at=timezone.now() - dt.timedelta(hours=hours_ago))
    item.refresh_from_db()
    return item


def test_old_files_no_one_works_on_are_deleted_and_unconfirmed_jobs_say_why(cast, settings):
    settings.CHIBO_IMPORT_FILES_KEEP_HOURS = 72
    unconfirmed = job(cast, JobStatus.CHECKED, hours_ago=73)
    failed = job(cast, JobStatus.FAILED, hours_ago=100)
    young = job(cast, JobStatus.CHECKED, hours_ago=10)
    writing = job(cast, JobStatus.IMPORTING, hours_ago=80)
    paths = {j.pk: Path(j.file.path) for j in (unconfirmed, failed, young, writing)}
    assert all(p.exists() for p in paths.values())

    assert import_files_cleanup() == 2
    assert not paths[unconfirmed.pk].exists() and not paths[failed.pk].exists()
    assert paths[young.pk].exists() and paths[writing.pk].exists()
    unconfirmed.refresh_from_db()
    assert unconfirmed.status == JobStatus.FAILED and not unconfirmed.file
    assert unconfirmed.errors[0]["message"] == FILE_REMOVED_MESSAGE.format(72)
    young.refresh_from_db()
    assert young.status == JobStatus.CHECKED and young.file
    assert import_files_cleanup() == 0  # nothing left to delete


def test_the_command_takes_hours_and_refuses_a_negative_number(cast, capsys):
    old = job(cast, JobStatus.REJECTED, hours_ago=5)
    call_command("imports_cleanup", "--hours", "4")
    assert "Đã xóa 1 tệp nhập dữ liệu" in capsys.readouterr().out
    old.refresh_from_db()
    assert not old.file
    with pytest.raises(CommandError, match="từ 0 trở lên"):
        call_command("imports_cleanup", "--hours", "-1")
