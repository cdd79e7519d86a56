"""The indicators of an organisation for a period (DOMAIN §8), two ways that must agree:
`compute` reads the base tables (the CLI, tests, the benchmark's reference) and `from_facts` reads the
fact tables (dashboards, reports). Both sum numerators and denominators, never percentages."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max

from chibo.common.dates import today
from chibo.orgs.models import Organisation
from chibo.reporting import facts
from chibo.reporting.indicators import Indicator, indicators_from
from chibo.reporting.models import COUNT_FIELDS, FactMonth, OrgMonthFact, StaleCellMonth
from chibo.reporting.periods import Period


def _add(total: dict, counts: dict) -> None:
    for name in COUNT_FIELDS:
        total[name] = total.get(name, 0) + counts.get(name, 0)


def _combine(per_month: dict[dt.date, dict], period: Period) -> dict[str, Indicator]:
    counts, quarterly = {}, {}
    for month in period.months:
        _add(counts, per_month.get(month, {}))
    for month in period.quarter_ends(today()):
        _add(quarterly, per_month.get(month, {}))
    return indicators_from(counts, quarterly)


def _subtree_cell_ids(org: Organisation):
    """None when the organisation is a root (every cell): the computation then skips a huge IN list."""
    if (
        org.parent_id is None
        and not Organisation.objects.filter(parent__isnull=True).exclude(pk=org.pk).exists()
    ):
        return None
    return list(Organisation.objects.subtree_of(org).cells().values_list("pk", flat=True))


def compute(org: Organisation, period: Period) -> dict[str, Indicator]:
    cell_ids = _subtree_cell_ids(org)
    per_month = {}
    for month in period.months:
        total = {}
        for counts in facts.compute_cell_facts(month, cell_ids).values():
            _add(total, counts)
        per_month[month] = total
    return _combine(per_month, period)


def ensure_fresh(org: Organisation, period: Period, *, limit: int = 500) -> None:
    """Build months never built and recompute the stale facts under `org` before reading. It writes:
    for background jobs only (report files); pages read and show `freshness` instead."""
    built = set(
        FactMonth.objects.filter(month__in=period.months, rebuilt_at__isnull=False).values_list(
            "month", flat=True
        )
    )
    current = today().replace(day=1)
    for month in period.months:
        if month not in built and month <= current:
            facts.rebuild_month(month)
    facts.refresh_stale(org=org, limit=limit)


@dataclass(frozen=True)
class Freshness:
    computed_at: dt.datetime | None  # when the organisation's figures for the period were last summed
    updating: bool  # some cells' figures wait for the background job (or a month is not built yet)


def freshness(org: Organisation, period: Period) -> Freshness:
    """What a page says about its figures, read only (the job after each write brings them up to date)."""
    months = [m for m in period.months if m <= today().replace(day=1)]
    built = FactMonth.objects.filter(month__in=months, rebuilt_at__isnull=False).count()
    stale = StaleCellMonth.objects.filter(
        month__in=months, cell_id__in=Organisation.objects.subtree_of(org).values("pk")
    ).exists()
    computed_at = OrgMonthFact.objects.filter(org_id=org.pk, month__in=months).aggregate(
        at=Max("computed_at")
    )
    return Freshness(computed_at=computed_at["at"], updating=stale or built < len(months))


def org_month_counts(org_ids, months) -> dict[tuple[int, dt.date], dict]:
    rows = OrgMonthFact.objects.filter(org_id__in=list(org_ids), month__in=list(months)).values(
        "org_id", "month", *COUNT_FIELDS
    )
    return {(r.pop("org_id"), r.pop("month")): r for r in rows}


def from_facts(org: Organisation, period: Period) -> dict[str, Indicator]:
    rows = org_month_counts([org.pk], period.months)
    return _combine({month: rows.get((org.pk, month), {}) for month in period.months}, period)


def from_month_counts(per_month: dict[dt.date, dict], period: Period) -> dict[str, Indicator]:
    """The period's indicators from a unit's monthly fact counts already read (a dashboard reads its
    trend's months and the period's in one query)."""
    return _combine(per_month, period)


def children_from_facts(orgs, period: Period) -> dict[int, dict[str, Indicator]]:
    """Indicators of many units in one query (a dashboard's child table)."""
    ids = [o.pk for o in orgs]
    rows = org_month_counts(ids, period.months)
    return {pk: _combine({m: rows.get((pk, m), {}) for m in period.months}, period) for pk in ids}
