"""Files holding personal data are readable by the server's account only: uploads, files written by
commands, and the SQLite database."""

import datetime as dt
import os
import stat
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from chibo.common.access import SYSTEM
from chibo.common.files import make_sqlite_private, write_private
from chibo.meetings.models import MeetingKind
from chibo.meetings.services import preparation as prep
from chibo.meetings.services.planning import meeting_create
from tests.files import PDF

pytestmark = pytest.mark.django_db


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_an_uploaded_file_and_its_folder_are_private(cast):
    when = timezone.make_aware(dt.datetime(2026, 4, 3, 19, 30))
    meeting = meeting_create(
        cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=when, place="Nhà văn hóa", by=SYSTEM
    )
    material = prep.material_add(
        meeting=meeting, title="Tài liệu", file=SimpleUploadedFile("a.pdf", PDF), by=SYSTEM
    )
    assert mode(material.file.path) == 0o600
    assert mode(os.path.dirname(material.file.path)) == 0o700


def test_a_file_written_by_a_command_is_private(cast, tmp_path):
    path = tmp_path / "dang-vien.csv"
    path.write_text("cũ")
    path.chmod(0o644)  # an existing file is made private too
    call_command("export_data", "members", str(path), "--org", "BD")
    assert mode(path) == 0o600
    write_private(tmp_path / "moi.bin", b"x")
    assert mode(tmp_path / "moi.bin") == 0o600


def test_the_sqlite_database_file_is_made_private(tmp_path):
    db = tmp_path / "chibo.sqlite3"
    db.write_bytes(b"")
    db.chmod(0o644)
    make_sqlite_private(None, SimpleNamespace(vendor="sqlite", settings_dict={"NAME": str(db)}))
    assert mode(db) == 0o600
