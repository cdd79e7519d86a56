"""The Đề án 11 dashboard of a unit: its indicators for a period against its own plan and the city's,
a 12-month trend, and its child units to drill down into (issue 5)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse

from chibo.common.dates import today
from chibo.common.paging import paginate
from chibo.common.replica import reporting_read
from chibo.orgs.access import can_read_members_of, get_org_for_user, orgs_visible_to, visible_ancestors
from chibo.reporting import charts, engine, targets
from chibo.reporting import dashboard as data
from chibo.reporting import progress as month_progress
from chibo.reporting.indicators import KEYS, fmt_percent


def home(request):
    top = orgs_visible_to(request.user).order_by("depth", "path").first()
    if top is None:
        messages.info(request, "Bạn chưa được giao vai trò ở tổ chức nào nên chưa xem được chỉ tiêu.")
        return redirect("home")
    return redirect("reporting:dashboard", pk=top.pk)


@reporting_read  # the replica when configured (chibo/common/replica.py)
def dashboard(request, pk: int):
    org = get_org_for_user(request.user, pk)
    period, problem = data.resolve_period(request.GET.get("ky"))
    if problem:
        messages.warning(request, problem)

    own, city, plan = targets.targets_for(org, period)
    months = data.trend_months(period)
    per_month = data.unit_months(org, sorted(set(months) | set(period.months)))
    children = [] if org.is_cell else data.children_of(org, period, orgs_visible_to(request.user))
    progress = month_progress.for_period(org, children, period)  # None unless the period includes this month
    unit_progress = progress[org.pk] if progress else None
    summed = period.summed(today())
    rows = data.indicator_rows(
        engine.from_month_counts(per_month, period),
        own,
        city,
        summed=summed,
        progress=unit_progress,
        is_cell=org.is_cell,
        prefix=data.note_prefix(period),
    )

    chart_key = request.GET.get("chi_tieu")
    if chart_key not in KEYS:
        chart_key = "attendance_rate"
    trend = data.trend_values(months, per_month)
    chart = charts.line_chart(
        months,
        trend[chart_key],
        title=f"{KEYS[chart_key][2]}: 12 tháng đến {data.month_short(months[-1])}",
        target=own.get(chart_key),
        month_label=data.month_short,
    )
    chart_table = [
        (
            data.month_short(m),
            fmt_percent(v.percent) if v else "—",
            f"{v.numerator}/{v.denominator}" if v else "—",
        )
        for m, v in zip(months, trend[chart_key], strict=True)
    ]

    context = {
        "org": org,
        "ancestors": visible_ancestors(request.user, org),
        "period": period,
        "nav": data.period_nav(period),
        "plan": plan,
        "rows": rows,
        "chart": chart,
        "chart_key": chart_key,
        "chart_label": KEYS[chart_key][2],
        "chart_table": chart_table,
        "chart_choices": [(key, spec[2], spec[3]) for key, spec in KEYS.items()],
        "keys": list(KEYS),
        "can_report": can_read_members_of(request.user, org),
        "freshness": engine.freshness(org, period),
        "progress": unit_progress,
        "progress_text": data.progress_text(unit_progress, org.is_cell),
        "today": today(),
        "summed_months": summed[0] > 1,
    }
    if org.is_cell:
        period_months = [m for m in period.months if m in set(months)]
        context["numbers"] = data.month_numbers(period_months, per_month, unit_progress)
    else:
        values = engine.children_from_facts(children, period)
        child_targets = data.children_targets(children, period, own)
        sort_key = request.GET.get("sap_xep") or data.SORT_NAME
        if sort_key != data.SORT_NAME and sort_key not in KEYS:
            sort_key = data.SORT_NAME
        direction = data.DESCENDING if request.GET.get("chieu") == data.DESCENDING else data.ASCENDING
        link = reverse("reporting:dashboard", args=[0]).replace("/0/", "/{pk}/") + f"?ky={period.code}"
        child_rows = data.sort_children(data.child_rows(children, values, link), sort_key, direction)
        page = paginate(request, child_rows)
        data.fill_cells(
            page.object_list, child_targets, summed=summed, progress=progress, prefix=data.note_prefix(period)
        )
        context.update(
            page=page,
            headers=data.sort_links(sort_key, direction),
            sort_key=sort_key,
            direction=direction,
        )
    return render(request, "reporting/dashboard.html", context)


urlpatterns_dashboard = [
    path("", home, name="home"),
    path("<int:pk>/", dashboard, name="dashboard"),
]
