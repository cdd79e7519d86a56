"""Panels of the materials app on shared pages (the organisation's and the meeting's), two queries each."""

from django import template
from django.utils import timezone

from chibo.materials import selectors
from chibo.materials.access import can_publish_for, materials_received_by
from chibo.materials.models import Material
from chibo.orgs.access import can_write_org
from chibo.orgs.models import OrgKind

register = template.Library()

PANEL_SIZE = 5


@register.inclusion_tag("materials/_org_panel_body.html")
def materials_for_org(org, user):
    """The latest materials of an organisation: what it published (a committee) or what reached it."""
    if org.kind == OrgKind.CELL:
        qs = materials_received_by(org)
    else:
        qs = Material.objects.filter(publisher=org)
    latest = list(qs.select_related("publisher").order_by("-publish_at", "-pk")[:PANEL_SIZE])
    return {
        "org": org,
        "latest": latest,
        "received": org.kind == OrgKind.CELL,
        "can_publish": can_publish_for(user, org),
        "now": timezone.now(),
    }


@register.inclusion_tag("materials/_meeting_panel_body.html")
def materials_for_meeting(meeting, user):
    can_write = can_write_org(user, meeting.cell)
    attachments = list(selectors.meeting_materials(meeting, published_only=not can_write)[:20])
    return {"meeting": meeting, "attachments": attachments, "can_write": can_write, "now": timezone.now()}
