"""What to fix (cần khắc phục): the lists of reporting/fixes.py for an organisation and a period.

Anyone who can see the organisation sees the cells and meetings to fix; people's names need
can_read_members_of (a plain member sees counts only, and the lists of people answer 403)."""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse

from chibo.common.dates import add_months, today
from chibo.common.paging import paginate
from chibo.common.replica import reporting_read
from chibo.orgs.access import can_read_members_of, get_org_for_user, visible_ancestors
from chibo.reporting import engine, fixes, periods
from chibo.reporting.access import can_read_people_lists, require_people_lists
from chibo.reporting.periods import Period

SHOWN = 50  # rows per section on the overview; the rest on the list's own page
PER_PAGE = 50
FEW_CELLS = 10  # above a cell, the overview names members without a task only for this many rows


@dataclass(frozen=True)
class Section:
    fix: fixes.FixList
    rows: list
    total: int
    names: bool  # the user may read the names in these rows

    @property
    def template(self) -> str:
        return f"reporting/fixes/_{self.fix.code.replace('-', '_')}.html"

    @property
    def names_elsewhere(self) -> bool:
        """Members without a task listed by cell here, their names on the list's own page."""
        return self.names and bool(self.rows) and getattr(self.rows[0], "members", ()) is None

    @property
    def more(self) -> bool:
        return self.total > len(self.rows) or self.names_elsewhere

    @property
    def hidden(self) -> bool:
        """A list of people the user may not read: only its count is shown."""
        return self.fix.personal and not self.names


def _period(request) -> tuple[Period, str]:
    code = request.GET.get("ky")
    current = today()
    fallback = periods.month(current.year, current.month)
    if not code:
        return fallback, ""
    try:
        return periods.parse(code), ""
    except ValueError as error:
        return fallback, str(error)


def _shift(period: Period, step: int) -> Period:
    if period.kind == "year":
        return periods.year(period.first.year + step)
    first = add_months(period.first, step * (3 if period.kind == "quarter" else 1))
    if period.kind == "quarter":
        return periods.quarter(first.year, (first.month - 1) // 3 + 1)
    return periods.month(first.year, first.month)


def _period_links(period: Period) -> dict:
    last, following = period.last, _shift(period, 1)
    return {
        "previous": _shift(period, -1),
        "next": following if following.first <= today() else None,
        "month": periods.month(last.year, last.month),
        "quarter": periods.quarter(last.year, (last.month - 1) // 3 + 1),
        "year": periods.year(last.year),
    }


def _cell_link() -> str:
    """The cell dashboard once it exists (reporting:dashboard), the organisation page until then."""
    try:
        reverse("reporting:dashboard", args=[1])
    except NoReverseMatch:
        return "orgs:detail"
    return "reporting:dashboard"


def _context(request, org, period, error) -> dict:
    return {
        "org": org,
        "ancestors": visible_ancestors(request.user, org),
        "period": period,
        "period_error": error,
        "links": _period_links(period),
        "cell_link": _cell_link(),
        "freshness": engine.freshness(org, period),
    }


@reporting_read  # the replica when configured (chibo/common/replica.py)
def fixes_view(request, pk: int):
    org = get_org_for_user(request.user, pk)
    period, error = _period(request)
    names = can_read_members_of(request.user, org)
    sections = []
    for fix in fixes.LISTS.values():
        # Counted in the database; only the rows shown are fetched (a city's lists hold thousands).
        listing = fix.listing(org, period)
        total = listing.count()
        shown = [] if (fix.personal and not names) or not total else listing[:SHOWN]
        if fix.code == "chua-giao-nhiem-vu" and names and (org.is_cell or total <= FEW_CELLS):
            shown = fixes.with_member_names(shown)
        sections.append(Section(fix=fix, rows=shown, total=total, names=names))
    context = _context(request, org, period, error) | {"sections": sections}
    return render(request, "reporting/fixes.html", context)


@reporting_read  # the replica when configured (chibo/common/replica.py)
def fix_list_view(request, pk: int, code: str):
    fix = fixes.LISTS.get(code)
    org = get_org_for_user(request.user, pk)
    if fix is None:
        raise Http404("Không có danh sách này.")
    names = can_read_people_lists(request.user, org)
    if fix.personal:
        require_people_lists(request.user, org)
    period, error = _period(request)
    page = paginate(request, fix.listing(org, period), PER_PAGE)
    if fix.code == "chua-giao-nhiem-vu" and names:
        page.object_list = fixes.with_member_names(list(page.object_list))
    section = Section(fix=fix, rows=list(page.object_list), total=page.paginator.count, names=names)
    context = _context(request, org, period, error) | {"section": section, "page": page}
    return render(request, "reporting/fixes_list.html", context)


urlpatterns_fixes = [
    path("<int:pk>/can-khac-phuc/", fixes_view, name="fixes"),
    path("<int:pk>/can-khac-phuc/<slug:code>/", fix_list_view, name="fix_list"),
]
