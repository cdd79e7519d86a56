from django import template

from chibo.common.dates import today
from chibo.orgs.access import can_read_members_of
from chibo.training.selectors import gap_summary

register = template.Library()


@register.inclusion_tag("training/_org_panel_body.html", takes_context=True)
def training_for_org(context, org):
    """Counts only (three queries), for those who read the organisation's members."""
    user = context.get("user")
    shown = user is not None and can_read_members_of(user, org)
    return {
        "org": org,
        "shown": shown,
        "summary": gap_summary(org, today(), with_cells=False) if shown else None,
    }
