"""Targets for a unit in a period (DOMAIN §8): the city's defaults (Đề án 11) and the plan of the nearest
committee at or above the unit that is in force for the period."""

from decimal import Decimal

from chibo.orgs.models import Organisation, in_ancestors_q
from chibo.reporting.indicators import CITY_TARGETS
from chibo.reporting.models import Plan
from chibo.reporting.periods import Period


def plan_for(org: Organisation, period: Period) -> Plan | None:
    """The plan of the nearest ancestor (or the unit itself) in force during the period (the latest start
    wins among one committee's)."""
    plans = (
        Plan.objects.overlapping(period.first, period.until)
        .filter(in_ancestors_q(org, via="owner"))
        .select_related("owner")
        .prefetch_related("targets")
    )
    return max(plans, key=lambda p: (p.owner.depth, p.valid_from, p.pk), default=None)


def targets_for(
    org: Organisation, period: Period
) -> tuple[dict[str, Decimal | None], dict[str, Decimal | None], Plan | None]:
    """(own targets, city targets, the plan): own = the plan's where it sets a key, else the city's."""
    plan = plan_for(org, period)
    own = dict(CITY_TARGETS)
    if plan is not None:
        for target in plan.targets.all():
            if target.key in own:
                own[target.key] = target.target
    return own, dict(CITY_TARGETS), plan
