"""The upload page: check first, show every error or a summary, write only on confirm, never twice;
large files go to the background with progress; exports are scoped and logged."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chibo.audit.models import Action, AuditEntry
from chibo.dataio.models import ImportJob, JobStatus
from chibo.members.models import Member, Membership
from tests.dataio.helpers import csv_bytes

pytestmark = pytest.mark.django_db
INDEX = reverse("dataio:index")


def upload(client, kind: str, data: bytes, name: str = "tep.csv"):
    return client.post(INDEX, {"kind": kind, "file": SimpleUploadedFile(name, data)}, follow=True)


def member_rows(n: int, cell: str = "BD-01") -> tuple[bytes, bytes]:
    members = [
        [f"U{i}", f"Bùi Văn Mười {i}", "Nam", "", "", "", "", "01/01/2010", "01/01/2011", ""]
        for i in range(n)
    ]
    memberships = [[f"U{i}", cell, "chính thức", "01/01/2020", "", ""] for i in range(n)]
    return csv_bytes("members", members), csv_bytes("memberships", memberships)


def test_errors_are_shown_before_anything_is_saved(client, cast):
    client.force_login(cast.leader_user)
    bad = csv_bytes("members", [["U1", "Bùi Văn A", "Nam", "32/01/1990", "", "", "", "01/01/2010", "", ""]])
    page = upload(client, "members", bad)
    content = page.content.decode()
    assert "1 lỗi: chưa ghi dữ liệu nào" in content
    assert "Ngày không hợp lệ «32/01/1990»" in content and "Ngày sinh" in content
    assert "Ghi dữ liệu" not in content
    assert not Member.objects.filter(card_number="U1").exists()
    job = ImportJob.objects.get()
    assert job.status == JobStatus.REJECTED
    errors = client.get(reverse("dataio:errors", args=[job.pk])).content.decode("utf-8-sig")
    assert (
        errors.splitlines()[1]
        == ',2,Ngày sinh,"Ngày không hợp lệ «32/01/1990»: hãy ghi theo dạng dd/mm/yyyy, ví dụ 05/03/2024."'
    )
    # Forcing the confirm form on a rejected file writes nothing either.
    page = client.post(reverse("dataio:confirm", args=[job.pk]), follow=True)
    assert "không thể ghi" in page.content.decode()
    assert not Member.objects.filter(card_number="U1").exists()


def test_a_clean_file_is_summarised_then_written_on_confirm_and_a_second_confirm_is_harmless(client, cast):
    client.force_login(cast.leader_user)
    members, memberships = member_rows(2)
    page = upload(client, "members", members)
    assert "Ghi dữ liệu" in page.content.decode() and "Kết quả kiểm tra" in page.content.decode()
    assert not Member.objects.filter(card_number="U0").exists()
    job = ImportJob.objects.get()
    assert (job.status, job.counts["members"]["created"]) == (JobStatus.CHECKED, 2)
    stored = job.file.path
    assert open(stored, "rb").read() == members  # kept until written

    confirm = reverse("dataio:confirm", args=[job.pk])
    page = client.post(confirm, follow=True)
    assert "Đã ghi xong" in page.content.decode()
    assert Member.objects.filter(card_number__in=["U0", "U1"]).count() == 2
    job.refresh_from_db()
    assert not job.file and not Path(stored).exists()  # personal data is not kept once written
    created = AuditEntry.objects.filter(action=Action.CREATE, model="members.member").count()

    page = client.post(confirm, follow=True)
    assert "không bị ghi lần thứ hai" in page.content.decode()
    assert AuditEntry.objects.filter(action=Action.CREATE, model="members.member").count() == created

    upload(client, "memberships", memberships)
    client.post(reverse("dataio:confirm", args=[ImportJob.objects.first().pk]))
    assert Membership.objects.filter(member__card_number="U1", cell=cast.cell).exists()


def test_large_files_are_checked_and_written_in_the_background_with_progress(client, cast, settings):
    settings.CHIBO_IMPORT_BACKGROUND_ROWS = 3
    client.force_login(cast.staff)
    members, _ = member_rows(5)
    page = upload(client, "members", members)
    job = ImportJob.objects.get()
    assert job.background and job.status == JobStatus.CHECKED  # the immediate test backend ran the task
    assert job.processed_rows == job.total_rows == 5
    progress = client.get(reverse("dataio:progress", args=[job.pk]))
    assert progress["HX-Refresh"] == "true"  # finished: the page reloads to show the result

    # While it runs, the page polls the progress every second.
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.IMPORTING, processed_rows=2)
    page = client.get(reverse("dataio:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "2/5 dòng" in page
    assert "HX-Refresh" not in client.get(reverse("dataio:progress", args=[job.pk]))
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.CHECKED)

    client.post(reverse("dataio:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and Member.objects.filter(card_number__startswith="U").count() == 5


def test_the_page_is_for_committee_staff_and_cell_leaders_only(client, cast):
    for user in (cast.staff, cast.leader_user, cast.sibling_leader):
        client.force_login(user)
        assert client.get(INDEX).status_code == 200
    client.force_login(cast.member_user)
    assert client.get(INDEX).status_code == 403
    client.force_login(cast.supervisor)  # reads the ward, writes nothing
    assert client.get(INDEX).status_code == 403
    client.logout()
    assert client.get(INDEX).status_code == 302


def test_a_sibling_leader_cannot_import_into_our_cell(client, cast):
    client.force_login(cast.sibling_leader)
    _, memberships = member_rows(1)
    page = upload(client, "memberships", memberships)
    assert "Không tìm thấy đảng viên có số thẻ «U0»" in page.content.decode()
    members = csv_bytes(
        "members", [[cast.member.card_number, "Tên Khác", "Nam", "", "", "", "", "01/01/2010", "", ""]]
    )
    page = upload(client, "members", members)
    assert "Bạn không có quyền sửa dữ liệu của đảng viên" in page.content.decode()
    cast.member.refresh_from_db()
    assert cast.member.full_name == "Lê Văn An"


def test_a_job_is_visible_only_to_whoever_uploaded_it(client, cast):
    client.force_login(cast.leader_user)
    members, _ = member_rows(1)
    upload(client, "members", members)
    job = ImportJob.objects.get()
    client.force_login(cast.staff)
    assert client.get(reverse("dataio:job", args=[job.pk])).status_code == 404
    assert client.post(reverse("dataio:confirm", args=[job.pk])).status_code == 404
    assert not Member.objects.filter(card_number="U0").exists()


def export(client, kind="members", org="BD", fmt="xlsx"):
    return client.get(reverse("dataio:export"), {"kind": kind, "org": org, "format": fmt})


def test_export_is_scoped_to_the_organisation_and_logged(client, cast):
    client.force_login(cast.staff)
    response = export(client, org="BD")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    cards = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cards == {cast.secretary.card_number, cast.member.card_number}
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.user == cast.staff and entry.after["rows"] == 2 and entry.org_path == cast.ward.path
    response = export(client, kind="memberships", org="BD-01", fmt="csv")
    assert response.content.startswith(b"\xef\xbb\xbfS\xe1\xbb\x91 th\xe1\xba\xbb")  # BOM + "Số thẻ"


def test_export_is_refused_outside_the_users_organisations(client, cast):
    client.force_login(cast.outsider)
    assert export(client, org="BD").status_code == 404  # sibling ward: not even visible
    client.force_login(cast.leader_user)
    assert export(client, org="BD-01").status_code == 200
    assert export(client, org="BD").status_code == 404
    client.force_login(cast.supervisor)
    assert export(client, org="BD").status_code == 403
    assert AuditEntry.objects.filter(action=Action.EXPORT).count() == 1


def test_a_refused_export_shows_the_page_again_as_chosen(client, cast):
    client.force_login(cast.staff)
    response = export(client, kind="all", org="BD-01", fmt="csv")
    # Not a redirect to the default choices: the organisation typed and the options chosen are kept.
    assert response.status_code == 200
    html = response.content.decode()
    form = html[html.index(f'action="{reverse("dataio:export")}"') :]
    form = form[: form.index("</form>")]
    assert "Xuất tất cả các loại dữ liệu cần định dạng Excel (.xlsx)." in form
    assert 'name="org" value="BD-01"' in form
    assert '<option value="all" selected>' in form and '<option value="csv" selected>' in form
    missing = export(client, kind="members", org="", fmt="xlsx").content.decode()
    assert "Mã tổ chức: không được để trống." in missing and '<option value="members" selected>' in missing
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()
    client.force_login(cast.outsider)
    assert export(client, kind="all", org="BD", fmt="csv").status_code == 200  # the form's own error first
    assert export(client, org="BD").status_code == 404


def test_with_the_database_queue_the_worker_does_the_check(client, cast, settings, monkeypatch):
    # Production's backend: the upload only queues the job; `chibo db_worker` picks it up.
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CHIBO_IMPORT_BACKGROUND_ROWS = 1
    client.force_login(cast.staff)
    members, _ = member_rows(2)
    page = upload(client, "members", members).content.decode()
    job = ImportJob.objects.get()
    assert job.status == JobStatus.PENDING and 'hx-trigger="every 1s"' in page
    # The worker closes connections left in a transaction, which is where the test's data lives.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKED and job.counts["members"]["created"] == 2


def test_a_job_whose_worker_stopped_is_shown_as_interrupted_after_the_timeout(client, cast, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # nobody runs the queue
    settings.CHIBO_IMPORT_BACKGROUND_ROWS = 1
    settings.CHIBO_JOB_TIMEOUT_MINUTES = 30
    client.force_login(cast.staff)
    members, _ = member_rows(2)
    upload(client, "members", members)
    job = ImportJob.objects.get()
    # Checked long ago, confirmed just now: the write's own clock starts at the confirmation.
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.CHECKED, created_at=timezone.now() - dt.timedelta(days=1)
    )
    client.post(reverse("dataio:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert 'hx-trigger="every 1s"' in client.get(reverse("dataio:job", args=[job.pk])).content.decode()

    # The worker took it and died mid-write: 31 minutes later the page says so and stops polling.
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.IMPORTING, started_at=timezone.now() - dt.timedelta(minutes=31)
    )
    progress = client.get(reverse("dataio:progress", args=[job.pk]))
    assert progress["HX-Refresh"] == "true"
    page = client.get(reverse("dataio:job", args=[job.pk])).content.decode()
    assert "hx-trigger" not in page and "Lượt nhập chưa xong sau 30 phút" in page
    assert "Hãy tải tệp lên lại" in page
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert not Member.objects.filter(card_number__startswith="U").exists()


def test_the_upload_page_marks_its_stuck_jobs(client, cast, settings):
    settings.CHIBO_JOB_TIMEOUT_MINUTES = 30
    client.force_login(cast.staff)
    old = ImportJob.objects.create(user=cast.staff, kind="members", file_name="cu.csv")
    young = ImportJob.objects.create(user=cast.staff, kind="members", file_name="moi.csv")
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(minutes=45))
    assert client.get(INDEX).status_code == 200
    old.refresh_from_db()
    young.refresh_from_db()
    assert (old.status, young.status) == (JobStatus.FAILED, JobStatus.PENDING)


def test_the_upload_form_refuses_other_file_types_and_a_csv_for_every_kind(client, cast):
    client.force_login(cast.staff)
    page = upload(client, "all", b"x", name="tat-ca.csv").content.decode()
    assert "cần một tệp .xlsx có mỗi loại một trang" in page
    page = upload(client, "members", b"x", name="dang-vien.ods").content.decode()
    assert "Chỉ nhận tệp .csv hoặc .xlsx." in page
    assert not ImportJob.objects.exists()


def test_an_empty_template_with_the_headers_can_be_downloaded(client, cast):
    client.force_login(cast.leader_user)
    page = client.get(INDEX).content.decode()
    assert reverse("dataio:template", args=["members"]) in page and "<strong>Họ và tên</strong>" in page
    book = load_workbook(io.BytesIO(client.get(reverse("dataio:template", args=["all"])).content))
    assert book.sheetnames == [
        "Tổ chức",
        "Đảng viên",
        "Sinh hoạt đảng",
        "Chức vụ",
        "Miễn sinh hoạt",
        "Bồi dưỡng",
        "Phân công theo dõi",
        "Buổi sinh hoạt",
        "Điểm danh",
        "Nhiệm vụ",
        "Lớp bồi dưỡng",
    ]
    assert [c.value for c in book["Chức vụ"][1]][:3] == ["Số thẻ đảng viên", "Mã chi bộ", "Chức vụ"]
    assert client.get(reverse("dataio:template", args=["khac"])).status_code == 404
    client.force_login(cast.member_user)
    assert client.get(reverse("dataio:template", args=["all"])).status_code == 403
