"""Import and export of organisations, members and their dated history (issue 2 §5)."""

import csv
import datetime as dt
import gc
import getpass
import io
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from chibo.audit.models import Action, AuditEntry
from chibo.audit.services import user_row
from chibo.common.dates import today
from chibo.common.spreadsheet import csv_row, xlsx_text
from chibo.common.text import thousands
from chibo.common.workers import worker_id
from chibo.dataio.changes import notify_import
from chibo.dataio.formats import ALL, FORMATS, KINDS, format_value
from chibo.dataio.importer import Checker, Context, ImportRejected, Plan, RowError, write_plans
from chibo.dataio.models import RUNNING_STATUSES, ImportJob, JobStatus
from chibo.dataio.readers import FileProblem, read_tables
from chibo.members.models import Exemption, Member, Membership, Position, TrainingRecord
from chibo.members.selectors import belongs_now_q, unplaced_registered_by_q, user_org_path
from chibo.orgs.models import Organisation, top_path

logger = logging.getLogger(__name__)


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    # Not errors: what the file leaves out that the indicators will count as not met.
    notes: list[RowError] = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # kind -> {"created", "updated", "unchanged"}
    total_rows: int = 0
    written: bool = False
    timings: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        parts = [
            f"{FORMATS[k].title}: {c['created']} mới, {c['updated']} cập nhật, {c['unchanged']} không đổi"
            for k, c in self.counts.items()
        ]
        return "; ".join(parts)


def import_data(
    *,
    data: bytes,
    filename: str,
    kind: str,
    user=None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Check a file (one kind, or a workbook of every kind) and, if every row is valid and this is
    not a dry run, write it all in one transaction. `user=None` is the command line: no scope limit."""
    # A big file allocates millions of small objects that all live until the end; the cyclic garbage
    # collector would rescan them again and again (it doubled the time of a 500,000-row import).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _import(data=data, filename=filename, kind=kind, user=user, dry_run=dry_run, progress=progress)
    finally:
        if collecting:
            gc.enable()


SQLITE_TOO_BIG = (
    "Tệp có {} dòng; với cơ sở dữ liệu SQLite mỗi lần chỉ nhập được tối đa {} dòng (ghi một lần quá lâu "
    "làm mọi người khác phải chờ). Hãy chia tệp, hoặc dùng PostgreSQL (docs/operations.md)."
)


def _import(*, data, filename, kind, user, dry_run, progress) -> ImportResult:
    result = ImportResult()
    started = time.perf_counter()
    try:
        tables = read_tables(data, filename, kind)
    except FileProblem as exc:
        result.errors.append(RowError(1, "", str(exc)))
        return result
    result.total_rows = sum(len(t.rows) for t in tables)
    result.timings["parse"] = time.perf_counter() - started
    if connection.vendor == "sqlite" and result.total_rows > settings.CHIBO_SQLITE_IMPORT_MAX_ROWS:
        # One all-or-nothing write holds SQLite's only write lock: everyone else would wait, then see "busy".
        result.errors.append(
            RowError(
                1,
                "",
                SQLITE_TOO_BIG.format(
                    thousands(result.total_rows), thousands(settings.CHIBO_SQLITE_IMPORT_MAX_ROWS)
                ),
            )
        )
        return result

    started = time.perf_counter()
    ctx = Context(user)
    checker = Checker(ctx, progress)
    plans: list[Plan] = []
    for table in tables:
        plan = checker.plan(table)
        plans.append(plan)
        result.errors.extend(plan.errors)
        result.counts[table.kind] = plan.counts()
    checker.finish(plans)
    result.notes = [n for plan in plans for n in plan.notes] + checker.unplaced_notes()
    result.timings["validate"] = time.perf_counter() - started
    if result.errors or dry_run:
        return result

    changed = sum(c["created"] + c["updated"] for c in result.counts.values())
    audit_rows = changed <= settings.CHIBO_IMPORT_AUDIT_ROWS_MAX
    try:
        with transaction.atomic():
            result.timings.update(write_plans(plans, ctx, audit_rows=audit_rows))
            _audit_import(user=user, filename=filename, kind=kind, result=result, rows_audited=audit_rows)
            notify_import(plans)
    except ImportRejected as exc:
        result.errors.extend(exc.errors)
        return result
    result.written = True
    return result


def _audit_import(*, user, filename: str, kind: str, result: ImportResult, rows_audited: bool) -> None:
    """One entry per import: who wrote which file, with the counts. Up to CHIBO_IMPORT_AUDIT_ROWS_MAX
    changed rows, every row also has its own entry; above that (a city-wide load) only this one, because
    per-row entries tripled the time of a 500,000-member import (bench/RESULTS.md)."""
    title = "tất cả dữ liệu" if kind == ALL else FORMATS[kind].title.lower()
    AuditEntry.objects.create(
        user=user_row(user),
        action=Action.CREATE,
        model=f"dataio.{kind}",
        object_repr=f"Nhập {title} từ {Path(filename).name}: {result.summary()}"[:255],
        # The importer's organisation; the command line (no user) writes anywhere: the top of the tree.
        org_path=(user_org_path(user) if user_row(user) else "") or top_path(),
        after={
            "file": Path(filename).name,
            "kind": kind,
            "rows": result.total_rows,
            "counts": result.counts,
            "rows_audited": rows_audited,
        },
    )


# -- background jobs --------------------------------------------------------------------------------


def import_job_create(*, user, kind: str, upload) -> ImportJob:
    """Store an uploaded file as a job waiting for its check."""
    from chibo.dataio.readers import count_rows

    data = upload.read()
    upload.seek(0)
    total = count_rows(data, upload.name)
    job = ImportJob(
        user=user,
        kind=kind,
        file_name=Path(upload.name).name[:255],
        total_rows=total,
        background=total > settings.CHIBO_IMPORT_BACKGROUND_ROWS,
    )
    job.file.save(Path(upload.name).name, upload, save=False)
    job.save()
    return job


def import_job_start(job: ImportJob) -> None:
    """Run the job's next step now, or hand it to the worker when the file is large."""
    if job.background:
        from chibo.dataio.tasks import import_job_task

        import_job_task.enqueue(job.pk)
    else:
        import_job_run(job_id=job.pk)


INTERRUPTED_MESSAGE = (
    "Lượt nhập chưa xong sau {} phút: tiến trình nền có thể đã dừng giữa chừng. Nhập dữ liệu là tất cả "
    "hoặc không, nên lượt dừng giữa chừng không ghi dòng nào. Hãy tải tệp lên lại."
)


def import_jobs_expire(jobs=None, *, now=None) -> int:
    """Mark jobs whose current step (check or write) has waited or run past CHIBO_JOB_TIMEOUT_MINUTES as
    failed, so their page stops polling and says what to do: a worker that stopped mid-way leaves them
    running for ever otherwise. A worker that was only slow still writes its result over this."""
    minutes = settings.CHIBO_JOB_TIMEOUT_MINUTES
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=minutes)
    jobs = ImportJob.objects.all() if jobs is None else jobs
    return jobs.filter(
        Q(started_at__lt=cutoff) | Q(started_at__isnull=True, created_at__lt=cutoff),
        status__in=RUNNING_STATUSES,
    ).update(
        status=JobStatus.FAILED,
        errors=[RowError(0, "", INTERRUPTED_MESSAGE.format(minutes)).as_dict()],
        finished_at=now,
    )


FILE_REMOVED_MESSAGE = (
    "Tệp đã được xóa vì chờ xác nhận quá {} giờ (tệp có dữ liệu cá nhân, không giữ lâu hơn cần thiết). "
    "Chưa ghi dòng nào; hãy tải tệp lên lại."
)


def import_files_cleanup(*, hours: int | None = None, now=None) -> int:
    """Delete the stored files of import jobs older than `hours` that no one is working on: refused or
    failed files, and checked files never confirmed (those jobs can no longer be confirmed and say why).
    Personal data (Decree 13/2023) is kept no longer than the import needs it. Returns files deleted."""
    hours = settings.CHIBO_IMPORT_FILES_KEEP_HOURS if hours is None else hours
    now = now or timezone.now()
    old = (
        ImportJob.objects.filter(created_at__lt=now - dt.timedelta(hours=hours))
        .exclude(status__in=RUNNING_STATUSES)
        .exclude(file="")
    )
    deleted = 0
    for job in old.iterator():
        job.file.delete(save=False)  # a file already gone is not an error
        ImportJob.objects.filter(pk=job.pk).update(file="")
        deleted += 1
    old_checked = ImportJob.objects.filter(
        created_at__lt=now - dt.timedelta(hours=hours), status=JobStatus.CHECKED, file=""
    )
    old_checked.update(
        status=JobStatus.FAILED,
        errors=[RowError(0, "", FILE_REMOVED_MESSAGE.format(hours)).as_dict()],
        finished_at=now,
    )
    return deleted


WORKER_DIED_MESSAGE = (
    "Tiến trình nền đã dừng khi đang chạy lượt nhập này (máy chủ khởi động lại hoặc tiến trình bị tắt). "
    "Nhập dữ liệu là tất cả hoặc không, nên chưa có dòng nào được ghi. Bấm «Chạy lại» để chạy lại."
)


def import_jobs_interrupted(*, alive: set[str], now=None) -> int:
    """A worker sweep (settings.CHIBO_WORKER_SWEEPS): jobs whose step runs on a worker that stopped
    beating are interrupted, within a minute, and may be run again (import_job_rerun)."""
    return (
        ImportJob.objects.filter(status__in=RUNNING_STATUSES, background=True)
        .exclude(worker="")
        .exclude(worker__in=alive)
        .update(
            status=JobStatus.FAILED,
            interrupted=True,
            errors=[RowError(0, "", WORKER_DIED_MESSAGE).as_dict()],
            finished_at=now or timezone.now(),
        )
    )


def import_job_rerun(*, job: ImportJob) -> bool:
    """Run an interrupted job's step again: the check, or the confirmed write. Only the first click
    moves it (a re-posted form finds it no longer interrupted), so nothing is ever written twice."""
    if not job.file:
        return False
    step = JobStatus.PENDING if job.dry_run else JobStatus.QUEUED
    moved = ImportJob.objects.filter(pk=job.pk, interrupted=True, status=JobStatus.FAILED).update(
        status=step, interrupted=False, errors=[], worker="", processed_rows=0, started_at=timezone.now()
    )
    if moved:
        job.refresh_from_db()
        import_job_start(job)
    return bool(moved)


def import_job_confirm(*, job: ImportJob) -> bool:
    """The user confirmed a clean check. Only the first confirm moves the job on: a re-posted form
    finds it no longer CHECKED, so the file is never written twice."""
    moved = ImportJob.objects.filter(pk=job.pk, status=JobStatus.CHECKED).update(
        status=JobStatus.QUEUED, dry_run=False, processed_rows=0, started_at=timezone.now()
    )
    if moved:
        job.refresh_from_db()
        import_job_start(job)
    return bool(moved)


def import_job_run(*, job_id: int) -> ImportJob:
    """Check (PENDING) or write (QUEUED) a job's file, recording progress, errors and counts."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    writing = job.status == JobStatus.QUEUED
    if job.status not in (JobStatus.PENDING, JobStatus.QUEUED):
        return job
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.IMPORTING if writing else JobStatus.CHECKING,
        processed_rows=0,
        started_at=timezone.now(),
        # Committed before the write's transaction: the sweep sees who runs the step.
        worker=worker_id() if job.background else "",
    )

    def progress(n: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=F("processed_rows") + n)

    try:
        with job.file.open("rb") as fh:
            data = fh.read()
        result = import_data(
            data=data,
            filename=job.file_name,
            kind=job.kind,
            user=job.user,
            dry_run=not writing,
            progress=progress,
        )
    except Exception as exc:
        logger.exception("Import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, errors=[RowError(0, "", f"Lỗi hệ thống: {exc}").as_dict()]
        )
        job.refresh_from_db()
        return job
    now = timezone.now()
    if result.errors:
        status = JobStatus.REJECTED
    else:
        status = JobStatus.DONE if writing else JobStatus.CHECKED
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        errors=[e.as_dict() for e in result.errors],
        notes=[n.as_dict() for n in result.notes],
        counts=result.counts,
        total_rows=result.total_rows,
        processed_rows=result.total_rows,
        checked_at=job.checked_at or now,
        finished_at=now if writing else None,
    )
    job.refresh_from_db()
    if job.status in (JobStatus.DONE, JobStatus.REJECTED):
        # The stored file holds personal data (Decree 13/2023): keep it no longer than the job needs it.
        job.file.delete(save=True)
    return job


# -- export -----------------------------------------------------------------------------------------


def _member_scope(org: Organisation | None):
    members = Member.objects.all()
    if org is not None:
        cells = Organisation.objects.subtree_of(org).values("pk")
        # Those who belong to the subtree now; members not yet in a cell go with the organisation that
        # registered them (members.access). Someone who moved away keeps only their memberships and
        # positions here, in those sheets: not their personal data, exemptions or training since.
        members = members.filter(belongs_now_q(cells, today()) | unplaced_registered_by_q(cells))
    return members


def export_rows(kind: str, org: Organisation | None = None):
    """The rows of one kind, in import order and import format (model values, not yet formatted)."""
    if kind == "orgs":
        qs = Organisation.objects.subtree_of(org) if org else Organisation.objects.all()
        return qs.order_by("path").values_list(
            "code", "name", "kind", "parent__code", "cell_kind", "founded_on", "dissolved_on", "address"
        )
    if kind == "members":
        return (
            _member_scope(org)
            .order_by("card_number")
            .values_list(
                "card_number",
                "full_name",
                "gender",
                "birth_date",
                "citizen_id",
                "phone",
                "email",
                "admitted_on",
                "official_on",
                "work_status",
            )
        )
    cells = Organisation.objects.subtree_of(org).values("pk") if org else None
    if kind == "memberships":
        qs = Membership.objects.all() if cells is None else Membership.objects.filter(cell__in=cells)
        return qs.order_by("member__card_number", "valid_from", "pk").values_list(
            "member__card_number", "cell__code", "kind", "valid_from", "valid_until", "note"
        )
    if kind == "positions":
        qs = Position.objects.all() if cells is None else Position.objects.filter(cell__in=cells)
        return qs.order_by("cell__code", "valid_from", "pk").values_list(
            "member__card_number", "cell__code", "kind", "valid_from", "valid_until", "decision_ref"
        )
    members = _member_scope(org).values("pk")
    if kind == "exemptions":
        qs = Exemption.objects.all() if org is None else Exemption.objects.filter(member__in=members)
        return qs.order_by("member__card_number", "valid_from").values_list(
            "member__card_number", "valid_from", "valid_until", "reason", "decision_ref"
        )
    if kind == "trainings":
        qs = (
            TrainingRecord.objects.all() if org is None else TrainingRecord.objects.filter(member__in=members)
        )
        return qs.order_by("member__card_number", "started_on", "course_title").values_list(
            "member__card_number", "course_title", "kind", "organiser", "started_on", "ended_on", "completed"
        )
    raise ValueError(kind)


def _iter_rows(kind: str, org):
    if kind in ("meetings", "attendances"):
        from chibo.dataio.meetings_import import export_rows as meeting_rows

        return meeting_rows(kind, org)
    if kind == "supervision":
        from chibo.dataio.supervision_import import export_rows as assignment_rows

        return assignment_rows(org)
    if kind == "tasks":
        from chibo.dataio.tasks_import import export_rows as task_rows

        return task_rows(org)
    if kind == "courses":
        from chibo.dataio.training_import import export_rows as course_rows

        return course_rows(org)
    return export_rows(kind, org).iterator(chunk_size=5000)


def _write_csv(kind: str, org, out: io.BytesIO) -> int:
    fmt_ = FORMATS[kind]
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(fmt_.headers)
    n = 0
    for row in _iter_rows(kind, org):
        writer.writerow(
            csv_row(format_value(v, c, for_xlsx=False) for v, c in zip(row, fmt_.columns, strict=True))
        )
        n += 1
    # The BOM tells Excel the file is UTF-8, so Vietnamese opens correctly on double-click.
    out.write(text.getvalue().encode("utf-8-sig"))
    return n


# Wide enough that a date is not '###' and a name is read whole.
_WIDTH_BY_TYPE = {"date": 12, "datetime": 17, "time": 8, "bool": 8, "name": 28, "citizen_id": 14}


def _column_width(column) -> int:
    wide = column.max_length and column.max_length >= 200
    base = _WIDTH_BY_TYPE.get(column.type, 40 if wide else 16)
    return max(base, min(len(column.header) + 2, 30))


def _sheet_layout(ws, fmt_) -> None:
    """Column widths and a frozen header row, set before a write-only sheet gets its rows."""
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(fmt_.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = _column_width(column)
    ws.freeze_panes = "A2"


def _write_xlsx(kinds: list[str], org, out: io.BytesIO) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    n = 0
    for kind in kinds:
        fmt_ = FORMATS[kind]
        ws = book.create_sheet(fmt_.title)
        _sheet_layout(ws, fmt_)
        ws.append(fmt_.headers)
        for row in _iter_rows(kind, org):
            cells = []
            for value, column in zip(row, fmt_.columns, strict=True):
                cell = WriteOnlyCell(ws, value=format_value(value, column, for_xlsx=True))
                xlsx_text(cell)
                if column.type == "date" and value is not None:
                    cell.number_format = "DD/MM/YYYY"
                cells.append(cell)
            ws.append(cells)
            n += 1
    book.save(out)
    return n


def export_data(*, kind: str, filename: str, org: Organisation | None = None, user=None) -> tuple[bytes, int]:
    """Export one kind (CSV or XLSX by the file's extension) or every kind (`all`, XLSX only), scoped to
    `org`'s subtree. Personal data under Decree 13/2023: every export is written to the audit log."""
    suffix = Path(filename).suffix.lower()
    out = io.BytesIO()
    if suffix == ".csv":
        if kind == ALL:
            raise ValueError("Xuất tất cả các loại dữ liệu cần tệp .xlsx.")
        rows = _write_csv(kind, org, out)
    elif suffix == ".xlsx":
        rows = _write_xlsx(KINDS if kind == ALL else [kind], org, out)
    else:
        raise ValueError("Chỉ xuất ra tệp .csv hoặc .xlsx.")
    title = "tất cả dữ liệu" if kind == ALL else FORMATS[kind].title.lower()
    scope = f"{org.name} ({org.code})" if org else "toàn bộ"
    AuditEntry.objects.create(
        user=user_row(user),
        action=Action.EXPORT,
        model=f"dataio.{kind}",
        object_id=str(org.pk) if org else "",
        object_repr=f"Xuất {title} · {scope} → {Path(filename).name} ({rows} dòng)"[:255],
        org_path=org.path if org else top_path(),
        after={
            "kind": kind,
            "file": Path(filename).name,
            "rows": rows,
            "org": org.code if org else None,
            # The command line has no logged-in user: keep the operating-system account instead.
            "by": user.get_username() if getattr(user, "is_authenticated", False) else getpass.getuser(),
        },
    )
    return out.getvalue(), rows


def import_template(kind: str) -> bytes:
    """A workbook holding only the header row of each kind (every kind's sheet for `all`)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for k in KINDS if kind == ALL else [kind]:
        fmt_ = FORMATS[k]
        ws = book.create_sheet(fmt_.title)
        ws.append(fmt_.headers)
        for cell, column in zip(ws[1], fmt_.columns, strict=True):
            cell.font = Font(bold=column.required)
            # Card numbers, citizen IDs and phones keep their leading zeros only in text cells.
            ws.column_dimensions[cell.column_letter].number_format = "@"
            ws.column_dimensions[cell.column_letter].width = max(14, len(column.header) + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
