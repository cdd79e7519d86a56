"""Report jobs on the web: ask for a report, follow it, download it (the tasks backend is immediate in
tests, so a POST runs the job at once). Only the person who asked, or committee staff over the unit,
sees a job; a sibling organisation gets 404 everywhere."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chibo.audit.models import Action, AuditEntry
from chibo.reporting import jobs, periods, reports
from chibo.reporting.models import ReportJob, ReportStatus
from tests.reporting.scenario import build
from tests.resolutions.conftest import task_rules  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
PASSWORD = "matkhau-thu-123"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def scenario(cast, task_rules):  # noqa: F811
    return build(cast, task_rules)


@pytest.fixture
def done_job(client, cast, scenario):
    """A finished workbook of ward BD, March 2025, asked for by the ward's staff."""
    login(client, cast.staff)
    client.post(reverse("reporting:reports", args=[cast.ward.pk]), {"period": "2025-03", "format": "xlsx"})
    job = ReportJob.objects.get()
    client.logout()
    return job


def test_the_form_page_shows_the_period_box_and_recent_jobs(client, cast):
    ReportJob.objects.create(user=cast.staff, org=cast.ward, period="2025-Q1", format="docx")
    ReportJob.objects.create(user=cast.supervisor, org=cast.ward, period="2024", format="xlsx")
    response = login(client, cast.staff).get(reverse("reporting:reports", args=[cast.ward.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kỳ báo cáo" in html and 'list="period-options"' in html
    assert "quý I/2025" in html  # the user's own job
    assert "năm 2024" not in html  # somebody else's


def test_post_creates_a_job_that_ends_done_with_a_downloadable_file(client, cast, scenario):
    login(client, cast.staff)
    response = client.post(
        reverse("reporting:reports", args=[cast.ward.pk]), {"period": "2025-03", "format": "xlsx"}
    )
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:report_job", args=[job.pk])
    assert (job.status, job.progress, job.user, job.org, job.period) == (
        ReportStatus.DONE,
        100,
        cast.staff,
        cast.ward,
        "2025-03",
    )
    assert job.file and job.finished_at
    page = client.get(response["Location"]).content.decode()
    assert "Đã xong" in page and reverse("reporting:report_download", args=[job.pk]) in page
    assert "hx-trigger" not in page and "http-equiv" not in page  # no more polling
    download = client.get(reverse("reporting:report_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == reports.CONTENT_TYPES["xlsx"]
    assert download["Content-Disposition"] == 'attachment; filename="bao-cao-de-an-11-BD-2025-03.xlsx"'
    ws = load_workbook(io.BytesIO(download.content))["Chỉ tiêu"]
    assert ws["B3"].value == "tháng 3/2025"
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert (entry.user, entry.model, entry.object_id, entry.org_path) == (
        cast.staff,
        "reporting.reportjob",
        str(job.pk),
        cast.ward.path,
    )


def test_a_word_draft_for_a_quarter(client, cast, scenario):
    login(client, cast.staff)
    client.post(reverse("reporting:reports", args=[cast.ward.pk]), {"period": "2025-q1", "format": "docx"})
    job = ReportJob.objects.get()
    assert (job.status, job.period) == (ReportStatus.DONE, "2025-Q1")
    download = client.get(reverse("reporting:report_download", args=[job.pk]))
    assert download["Content-Type"] == reports.CONTENT_TYPES["docx"]
    assert download.content[:2] == b"PK"


def test_a_bad_period_is_refused_with_a_vietnamese_message(client, cast):
    login(client, cast.staff)
    url = reverse("reporting:reports", args=[cast.ward.pk])
    response = client.post(url, {"period": "03/2025", "format": "xlsx"})
    assert response.status_code == 200
    assert "Kỳ báo cáo không hợp lệ" in response.content.decode()
    response = client.post(url, {"period": "2999", "format": "xlsx"})
    assert "năm 2999 chưa bắt đầu" in response.content.decode()
    assert not ReportJob.objects.exists()


def test_progress_is_recorded_step_by_step(cast, scenario, monkeypatch):
    seen = []
    original = jobs.report_job_progress

    def spy(job, percent, step):
        original(job, percent, step)
        seen.append(ReportJob.objects.get(pk=job.pk).progress)

    monkeypatch.setattr(jobs, "report_job_progress", spy)
    job = jobs.report_job_create(user=cast.staff, org=cast.ward, period=periods.month(2025, 3), fmt="xlsx")
    jobs.report_job_run(job_id=job.pk)
    assert seen == [2, 10, 60, 85, 95]
    job.refresh_from_db()
    assert (job.status, job.progress, job.step) == (ReportStatus.DONE, 100, "Đã lập xong")


def test_a_job_runs_only_once(cast, scenario):
    job = jobs.report_job_create(user=cast.staff, org=cast.ward, period=periods.month(2025, 3), fmt="xlsx")
    first = jobs.report_job_run(job_id=job.pk)
    name = first.file.name
    again = jobs.report_job_run(job_id=job.pk)
    assert again.status == ReportStatus.DONE and again.file.name == name


def test_a_running_job_polls_every_two_seconds_and_reloads_without_js(client, cast):
    job = ReportJob.objects.create(
        user=cast.staff,
        org=cast.ward,
        period="2025-03",
        format="xlsx",
        status=ReportStatus.RUNNING,
        progress=60,
        step="Đã tính các đơn vị trực thuộc",
    )
    login(client, cast.staff)
    url = reverse("reporting:report_job", args=[job.pk])
    html = client.get(url).content.decode()
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 2s"' in html
    assert '<progress max="100" value="60"' in html and "Đã tính các đơn vị trực thuộc" in html
    assert '<meta http-equiv="refresh" content="2">' in html  # inside <noscript>
    assert "Tải lại trang" in html
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="report-progress"') and "<html" not in partial
    ReportJob.objects.filter(pk=job.pk).update(status=ReportStatus.DONE, progress=100)
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial and "Tải về" in partial


def test_a_failing_build_marks_the_job_failed_with_a_vietnamese_message(client, cast, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(reports, "render_xlsx", broken)
    login(client, cast.staff)
    response = client.post(
        reverse("reporting:reports", args=[cast.ward.pk]),
        {"period": "2025-03", "format": "xlsx"},
        follow=True,
    )
    job = ReportJob.objects.get()
    assert job.status == ReportStatus.FAILED and not job.file
    assert job.error.startswith("Không lập được báo cáo do lỗi hệ thống")
    html = response.content.decode()
    assert "Lỗi" in html and "Không lập được báo cáo do lỗi hệ thống" in html
    assert "disk full" not in html  # internals stay in the log
    assert client.get(reverse("reporting:report_download", args=[job.pk])).status_code == 404


def test_staff_above_sees_the_job_and_the_cell_leader_does_not(client, cast, done_job):
    page = reverse("reporting:report_job", args=[done_job.pk])
    download = reverse("reporting:report_download", args=[done_job.pk])
    assert login(client, cast.staff).get(page).status_code == 200
    client.logout()
    # The ward's supervisor may read the ward but did not ask for this report and is not staff.
    assert login(client, cast.supervisor).get(page).status_code == 404
    client.logout()
    assert login(client, cast.leader_user).get(download).status_code == 404


def test_an_ordinary_member_may_not_ask_for_reports(client, cast):
    response = login(client, cast.member_user).get(reverse("reporting:reports", args=[cast.cell.pk]))
    assert response.status_code == 403


def test_a_cell_leader_makes_the_report_of_their_cell(client, cast, scenario):
    login(client, cast.leader_user)
    client.post(reverse("reporting:reports", args=[cast.cell.pk]), {"period": "2025-03", "format": "docx"})
    job = ReportJob.objects.get()
    assert job.status == ReportStatus.DONE
    assert client.get(reverse("reporting:report_download", args=[job.pk])).status_code == 200


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_a_sibling_organisation_gets_404_everywhere(client, cast, done_job, who):
    login(client, getattr(cast, who))
    assert client.get(reverse("reporting:reports", args=[cast.ward.pk])).status_code == 404
    assert client.get(reverse("reporting:reports", args=[cast.cell.pk])).status_code == 404
    response = client.post(
        reverse("reporting:reports", args=[cast.ward.pk]), {"period": "2025-03", "format": "xlsx"}
    )
    assert response.status_code == 404
    assert client.get(reverse("reporting:report_job", args=[done_job.pk])).status_code == 404
    assert client.get(reverse("reporting:report_download", args=[done_job.pk])).status_code == 404
    assert ReportJob.objects.count() == 1
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_the_form_page_reads_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    for i in range(15):
        ReportJob.objects.create(
            user=cast.staff, org=cast.ward, period=f"2024-{i % 12 + 1:02d}", format="xlsx"
        )
    login(client, cast.staff)
    # 10 when written: the page with its jobs, one UPDATE for stuck jobs, the menu (roles read once).
    with django_assert_max_num_queries(10):
        response = client.get(reverse("reporting:reports", args=[cast.ward.pk]))
    assert response.status_code == 200
    assert "Trang 1/2" in response.content.decode()


# --- interrupted jobs and old files --------------------------------------------------------------------


def _aged(job: ReportJob, minutes: int) -> ReportJob:
    ReportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=minutes))
    job.refresh_from_db()
    return job


def test_a_job_left_running_by_a_stopped_worker_is_shown_as_interrupted(client, cast, settings):
    settings.CHIBO_JOB_TIMEOUT_MINUTES = 30
    stuck = _aged(
        ReportJob.objects.create(
            user=cast.staff, org=cast.ward, period="2025-03", format="xlsx", status=ReportStatus.RUNNING
        ),
        31,
    )
    young = _aged(
        ReportJob.objects.create(user=cast.staff, org=cast.ward, period="2025-02", format="xlsx"), 29
    )
    login(client, cast.staff)
    url = reverse("reporting:report_job", args=[stuck.pk])
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial  # polling stops
    assert "Báo cáo chưa lập xong sau 30 phút" in partial and "Lập lại báo cáo" in partial
    stuck.refresh_from_db()
    assert stuck.status == ReportStatus.FAILED and stuck.finished_at is not None
    young_html = client.get(reverse("reporting:report_job", args=[young.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in young_html
    young.refresh_from_db()
    assert young.status == ReportStatus.QUEUED


def test_the_list_page_marks_its_stuck_jobs_and_a_late_worker_skips_them(client, cast, settings):
    settings.CHIBO_JOB_TIMEOUT_MINUTES = 30
    queued = _aged(
        ReportJob.objects.create(user=cast.staff, org=cast.ward, period="2025-03", format="xlsx"), 45
    )
    login(client, cast.staff).get(reverse("reporting:reports", args=[cast.ward.pk]))
    queued.refresh_from_db()
    assert queued.status == ReportStatus.FAILED
    assert jobs.report_job_run(job_id=queued.pk).status == ReportStatus.FAILED  # not taken any more


def test_cleanup_deletes_old_jobs_and_their_files_and_keeps_recent_ones(cast, done_job, settings):
    settings.CHIBO_REPORT_FILES_KEEP_DAYS = 30
    storage, name = done_job.file.storage, done_job.file.name
    assert storage.exists(name)
    recent = ReportJob.objects.create(user=cast.staff, org=cast.ward, period="2025-02", format="xlsx")
    assert jobs.report_files_cleanup() == (0, 0)
    _aged(done_job, 31 * 24 * 60)
    gone = _aged(
        ReportJob.objects.create(
            user=cast.staff, org=cast.ward, period="2025-01", format="xlsx", status=ReportStatus.FAILED
        ),
        40 * 24 * 60,
    )
    assert jobs.report_files_cleanup() == (2, 1)
    assert not storage.exists(name)
    assert set(ReportJob.objects.values_list("pk", flat=True)) == {recent.pk}
    assert not ReportJob.objects.filter(pk=gone.pk).exists()


def test_the_cleanup_command(cast, settings):
    settings.CHIBO_JOB_TIMEOUT_MINUTES = 30
    _aged(ReportJob.objects.create(user=cast.staff, org=cast.ward, period="2025-03", format="xlsx"), 60)
    _aged(
        ReportJob.objects.create(
            user=cast.staff, org=cast.ward, period="2025-02", format="xlsx", status=ReportStatus.DONE
        ),
        10 * 24 * 60,
    )
    out = io.StringIO()
    call_command("reports_cleanup", "--days", "7", stdout=out)
    # The stuck one (an hour old) is marked interrupted and kept; the 10-day-old one is deleted.
    assert out.getvalue().strip() == (
        "Đã xóa 1 lượt báo cáo (0 tệp); 1 lượt chờ quá lâu được đánh dấu bị gián đoạn."
    )
    assert list(ReportJob.objects.values_list("status", flat=True)) == [ReportStatus.FAILED]
    with pytest.raises(CommandError, match="--days"):
        call_command("reports_cleanup", "--days", "-1")
