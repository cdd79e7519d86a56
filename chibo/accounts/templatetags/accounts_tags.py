from django import template

from chibo.orgs.access import can_write_org, is_staff_of

register = template.Library()


@register.inclusion_tag("accounts/_org_panel_body.html")
def accounts_for_org(org, user):
    """Shown to the organisation's staff (and above) and its writers (a cell's leaders): no query once the
    request has read the user's roles."""
    return {"show": is_staff_of(user, org) or can_write_org(user, org), "org": org}
