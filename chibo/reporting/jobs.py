"""Report jobs: a report file made in the background worker, with its progress for the page that polls.

The job's lifecycle is QUEUED → RUNNING → DONE or FAILED; each step is a single UPDATE, so the page
(another process) sees the progress while the job runs, and a job runs only once even if its task is
delivered twice.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from chibo.audit.models import Action
from chibo.audit.services import audit_log, user_row
from chibo.orgs.models import Organisation
from chibo.reporting import periods, reports
from chibo.reporting.access import report_job
from chibo.reporting.models import ReportFormat, ReportJob, ReportStatus

logger = logging.getLogger(__name__)

FAILED_MESSAGE = (
    "Không lập được báo cáo do lỗi hệ thống. Hãy thử lại sau; nếu vẫn lỗi, báo quản trị viên (lượt số {})."
)


INTERRUPTED_MESSAGE = (
    "Báo cáo chưa lập xong sau {} phút: tiến trình nền có thể đã dừng giữa chừng. "
    "Hãy lập lại báo cáo; nếu vẫn vậy, báo quản trị viên."
)
RUNNING_STATUSES = (ReportStatus.QUEUED, ReportStatus.RUNNING)


def report_jobs_expire(jobs=None, *, now=None) -> int:
    """Mark jobs still queued or running past CHIBO_JOB_TIMEOUT_MINUTES as failed, so their page
    stops polling and says what to do. A worker that stopped mid-way (restart, crash) leaves its job
    RUNNING for ever otherwise; one finishing late still writes DONE over this."""
    minutes = settings.CHIBO_JOB_TIMEOUT_MINUTES
    cutoff = (now or timezone.now()) - dt.timedelta(minutes=minutes)
    jobs = ReportJob.objects.all() if jobs is None else jobs
    return jobs.filter(status__in=RUNNING_STATUSES, created_at__lt=cutoff).update(
        status=ReportStatus.FAILED,
        error=INTERRUPTED_MESSAGE.format(minutes),
        step="",
        finished_at=now or timezone.now(),
    )


def report_files_cleanup(*, days: int | None = None, now=None) -> tuple[int, int]:
    """Delete report jobs (and their files) made more than `days` days ago: the files can be made again
    from the facts at any time, and they list members by name. Returns (jobs, files) deleted."""
    days = settings.CHIBO_REPORT_FILES_KEEP_DAYS if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    old = ReportJob.objects.filter(created_at__lt=cutoff).exclude(status__in=RUNNING_STATUSES)
    jobs = files = 0
    for job in old.iterator():
        if job.file:
            job.file.delete(save=False)  # a file already gone is not an error
            files += 1
        job.delete()
        jobs += 1
    return jobs, files


def report_job_create(*, user, org: Organisation, period: periods.Period, fmt: str) -> ReportJob:
    if fmt not in ReportFormat.values:
        raise ValueError("Định dạng báo cáo không hợp lệ: chọn Excel (.xlsx) hoặc Word (.docx).")
    return ReportJob.objects.create(
        user=user_row(user),
        org=org,
        period=period.code,
        format=fmt,
        step="Đang chờ đến lượt",
    )


def report_job_start(job: ReportJob) -> None:
    """Hand the job to the worker (run at once in tests: the immediate backend)."""
    from chibo.reporting.tasks import report_job_task

    report_job_task.enqueue(job.pk)


def report_job_progress(job: ReportJob, percent: int, step: str) -> None:
    percent = max(0, min(100, int(percent)))
    ReportJob.objects.filter(pk=job.pk).update(progress=percent, step=step[:255])
    job.progress, job.step = percent, step[:255]


def report_job_fail(job: ReportJob, message: str) -> ReportJob:
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportStatus.FAILED, error=message, step="", finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def report_job_run(*, job_id: int) -> ReportJob:
    """Build the job's file, recording progress; any error marks it FAILED with a Vietnamese message."""
    # Take the job: only one run moves it from QUEUED, however often the task is delivered.
    taken = ReportJob.objects.filter(pk=job_id, status=ReportStatus.QUEUED).update(
        status=ReportStatus.RUNNING, progress=1, step="Bắt đầu lập báo cáo", error=""
    )
    job = ReportJob.objects.select_related("org", "org__parent", "user").get(pk=job_id)
    if not taken:
        return job
    try:
        period = periods.parse(job.period)
    except ValueError as exc:
        return report_job_fail(job, str(exc))
    try:
        content = reports.build(
            job.org, period, job.format, user=job.user, progress=lambda p, s: report_job_progress(job, p, s)
        )
        report_job_progress(job, 95, "Đang lưu tệp")
        job.file.save(reports.filename(job.org, period, job.format), ContentFile(content), save=False)
    except Exception:
        logger.exception("Report job %s failed", job.pk)
        return report_job_fail(job, FAILED_MESSAGE.format(job.pk))
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportStatus.DONE,
        progress=100,
        step="Đã lập xong",
        file=job.file.name,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


# --- download -----------------------------------------------------------------------------------------


def report_job_download_logged(*, job: ReportJob, by) -> bytes:
    """The file's bytes; the download is an export of data, so it is logged."""
    report_job.check_view(by, job)
    if job.status != ReportStatus.DONE or not job.file:
        raise ValidationError("Báo cáo chưa lập xong.")  # the view answers 404 before asking
    with job.file.open("rb") as fh:
        content = fh.read()
    audit_log(user=by, action=Action.EXPORT, obj=job, org_path=job.org.path)
    return content
