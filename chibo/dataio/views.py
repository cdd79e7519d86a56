import csv
import io
from pathlib import Path

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chibo.common.dates import today
from chibo.common.spreadsheet import csv_row
from chibo.dataio.access import get_export_org_for_user, get_job_for_user, require_data_manager, root_orgs_for
from chibo.dataio.formats import ALL, FORMATS, KINDS
from chibo.dataio.forms import ExportForm, ImportForm
from chibo.dataio.models import ImportJob, JobStatus
from chibo.dataio.services import (
    export_data,
    import_job_confirm,
    import_job_create,
    import_job_rerun,
    import_job_start,
    import_jobs_expire,
    import_template,
)

# A file can have thousands of bad rows: the page lists the first ones, the CSV download all of them.
ERRORS_SHOWN = 500
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def index(request):
    require_data_manager(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(
            user=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
        )
        import_job_start(job)
        return redirect(job)
    return _index_page(request, form)


def _index_page(request, form, export_form=None):
    """The import and export page; `export_form` is an export just asked for and refused, shown as chosen."""
    roots = list(root_orgs_for(request.user)[:20])
    export_form = export_form or ExportForm(
        initial={"org": roots[0].code if roots else "", "format": "xlsx"}, auto_id="export_%s"
    )
    import_jobs_expire(ImportJob.objects.filter(user=request.user))
    jobs = ImportJob.objects.filter(user=request.user)[:10]
    return render(
        request,
        "dataio/index.html",
        {
            "form": form,
            "export_form": export_form,
            "roots": roots,
            "jobs": jobs,
            "formats": [FORMATS[k] for k in KINDS],
        },
    )


def template(request, kind: str):
    """An empty workbook with the right headers (every sheet for `all`): a file to fill in."""
    require_data_manager(request.user)
    if kind not in FORMATS and kind != ALL:
        raise Http404("Không có loại dữ liệu này.")
    content = import_template(kind)
    response = HttpResponse(content, content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{kind}.xlsx"'
    return response


def _current(job: ImportJob) -> ImportJob:
    """The job, marked interrupted first if its worker has been silent too long."""
    if job.is_running and import_jobs_expire(ImportJob.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    return job


def job_detail(request, pk: int):
    require_data_manager(request.user)
    job = _current(get_job_for_user(request.user, pk))
    counts = [(FORMATS[kind].title, c) for kind, c in job.counts.items()]
    return render(
        request,
        "dataio/job.html",
        {
            "job": job,
            "counts": counts,
            "errors": job.errors[:ERRORS_SHOWN],
            "more": len(job.errors) > ERRORS_SHOWN,
            "notes": job.notes[:ERRORS_SHOWN],
            "more_notes": len(job.notes) > ERRORS_SHOWN,
        },
    )


def job_errors(request, pk: int):
    """Every error of a job as CSV, for files with more errors than the page shows."""
    require_data_manager(request.user)
    job = get_job_for_user(request.user, pk)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["Trang", "Dòng", "Cột", "Lỗi"])
    writer.writerows(csv_row([e.get("sheet", ""), e["row"], e["column"], e["message"]]) for e in job.errors)
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="loi-nhap-{job.pk}.csv"'
    return response


def job_progress(request, pk: int):
    """Polled by htmx every second while the job runs; once it stops, the whole page reloads."""
    require_data_manager(request.user)
    job = _current(get_job_for_user(request.user, pk))
    response = render(request, "dataio/_progress.html", {"job": job})
    if not job.is_running:
        response["HX-Refresh"] = "true"
    return response


@require_POST
def job_rerun(request, pk: int):
    require_data_manager(request.user)
    job = get_job_for_user(request.user, pk)
    if import_job_rerun(job=job):
        messages.success(request, "Đã chạy lại lượt nhập.")
    else:
        messages.info(request, "Lượt nhập này không còn ở trạng thái bị gián đoạn; không chạy lại.")
    return redirect(job)


@require_POST
def job_confirm(request, pk: int):
    require_data_manager(request.user)
    job = get_job_for_user(request.user, pk)
    if not import_job_confirm(job=job):
        if job.status in (JobStatus.QUEUED, JobStatus.IMPORTING, JobStatus.DONE):
            messages.info(
                request, "Lượt nhập này đã được xác nhận trước đó; dữ liệu không bị ghi lần thứ hai."
            )
        else:
            messages.error(request, "Lượt nhập này chưa qua kiểm tra hoặc có lỗi nên không thể ghi.")
    return redirect(job)


def export(request):
    require_data_manager(request.user)
    form = ExportForm(request.GET, auto_id="export_%s")
    if not form.is_valid():
        return _index_page(request, ImportForm(), export_form=form)
    org = get_export_org_for_user(request.user, form.cleaned_data["org"])
    kind, suffix = form.cleaned_data["kind"], form.cleaned_data["format"]
    filename = f"chibo-{kind}-{org.code}-{today():%Y%m%d}.{suffix}"
    content, _rows = export_data(kind=kind, filename=filename, org=org, user=request.user)
    response = HttpResponse(content, content_type=CONTENT_TYPES[suffix])
    response["Content-Disposition"] = f'attachment; filename="{Path(filename).name}"'
    return response
