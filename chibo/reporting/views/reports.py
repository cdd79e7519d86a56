"""Report files of the indicators: ask for one (Excel workbook or Word draft), follow its progress while the
worker builds it, download it. Reports list members by name (removal cases), so asking for one needs
the right to read the organisation's member records; a job is seen by whoever asked for it and by
committee staff over the organisation (404 for everyone else)."""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import content_disposition_header

from chibo.common.dates import add_months, today
from chibo.common.forms import Form
from chibo.common.paging import paginate
from chibo.orgs.access import get_org_for_user, visible_ancestors
from chibo.reporting import periods
from chibo.reporting.access import get_report_job_for_user
from chibo.reporting.jobs import (
    RUNNING_STATUSES,
    report_job_create,
    report_job_download_logged,
    report_job_start,
    report_jobs_expire,
)
from chibo.reporting.models import ReportFormat, ReportJob, ReportStatus
from chibo.reporting.reports import CONTENT_TYPES, filename

JOBS_PER_PAGE = 10


def period_choices(day=None) -> list[periods.Period]:
    """Suggestions for the period box: recent months, quarters and years, latest first."""
    day = day or today()
    month = day.replace(day=1)
    quarter = (month.month - 1) // 3 + 1
    last_quarter = (
        periods.quarter(month.year, quarter - 1) if quarter > 1 else periods.quarter(month.year - 1, 4)
    )
    months = [add_months(month, -i) for i in range(4)]
    return [
        *(periods.month(m.year, m.month) for m in months),
        periods.quarter(month.year, quarter),
        last_quarter,
        periods.year(month.year),
        periods.year(month.year - 1),
    ]


class ReportForm(Form):
    period = forms.CharField(
        label="Kỳ báo cáo",
        max_length=10,
        help_text="Tháng: 2025-03 · quý: 2025-Q1 · năm: 2025.",
        widget=forms.TextInput(attrs={"list": "period-options", "autocomplete": "off", "inputmode": "text"}),
    )
    format = forms.ChoiceField(label="Định dạng", choices=ReportFormat.choices, initial=ReportFormat.XLSX)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].error_messages["max_length"] = "Kỳ báo cáo: tối đa 10 ký tự, ví dụ 2025-Q1."

    def clean_period(self) -> periods.Period:
        try:
            period = periods.parse(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc  # already says "Kỳ báo cáo không hợp lệ…"
        if period.first > today():
            raise forms.ValidationError(f"Kỳ báo cáo: {period.label} chưa bắt đầu.")
        return period


def _label(code: str) -> str:
    try:
        return periods.parse(code).label
    except ValueError:
        return code


def reports(request, pk: int):
    org = get_org_for_user(request.user, pk, read_members=True)
    suggestions = period_choices()
    form = ReportForm(request.POST or None, initial={"period": suggestions[1].code})
    if request.method == "POST" and form.is_valid():
        job = report_job_create(
            user=request.user, org=org, period=form.cleaned_data["period"], fmt=form.cleaned_data["format"]
        )
        report_job_start(job)
        return redirect("reporting:report_job", job_pk=job.pk)
    jobs = ReportJob.objects.filter(org=org, user=request.user)
    report_jobs_expire(jobs)
    page = paginate(request, jobs, JOBS_PER_PAGE)
    return render(
        request,
        "reporting/reports.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "form": form,
            "suggestions": suggestions,
            "page": page,
            "jobs": [(job, _label(job.period)) for job in page],
        },
    )


def report_job(request, job_pk: int):
    job = get_report_job_for_user(request.user, job_pk)
    if job.status in RUNNING_STATUSES and report_jobs_expire(ReportJob.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    context = {
        "job": job,
        "org": job.org,
        "period_label": _label(job.period),
        "running": job.status in RUNNING_STATUSES,
    }
    if request.htmx:
        # The polled part only: once the job stops, it comes back without the polling trigger.
        return render(request, "reporting/report_job_progress.html", context)
    context["ancestors"] = visible_ancestors(request.user, job.org)
    return render(request, "reporting/report_job.html", context)


def report_download(request, job_pk: int):
    job = get_report_job_for_user(request.user, job_pk)
    if job.status != ReportStatus.DONE or not job.file:
        raise Http404("Báo cáo chưa lập xong.")
    try:
        content = report_job_download_logged(job=job, by=request.user)
    except FileNotFoundError as exc:
        raise Http404("Tệp báo cáo không còn trên máy chủ; hãy lập lại báo cáo.") from exc
    response = HttpResponse(content, content_type=CONTENT_TYPES[job.format])
    # The stored name may carry a suffix from the storage; the user gets the plain one.
    name = filename(job.org, periods.parse(job.period), job.format)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


urlpatterns_reports = [
    path("<int:pk>/bao-cao/", reports, name="reports"),
    path("bao-cao/<int:job_pk>/", report_job, name="report_job"),
    path("bao-cao/<int:job_pk>/tai-ve/", report_download, name="report_download"),
]
