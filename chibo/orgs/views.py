from django.db.models import Q
from django.shortcuts import render

from chibo.common.dates import today
from chibo.common.paging import paginate
from chibo.orgs.access import (
    can_read_members_of,
    can_write_org,
    get_org_for_user,
    is_staff_of,
    orgs_visible_to,
)
from chibo.orgs.models import Organisation


def visible_ancestors(user, org: Organisation):
    """The breadcrumb: ancestors the user may see (the part of the tree above their roles is hidden)."""
    paths = org.ancestor_paths()
    return orgs_visible_to(user).filter(path__in=paths).order_by("depth")


def org_list(request):
    q = request.GET.get("q", "").strip()
    orgs = orgs_visible_to(request.user).select_related("parent")
    if q:
        orgs = orgs.filter(Q(name__icontains=q) | Q(code__iexact=q))
    return render(request, "orgs/list.html", {"page": paginate(request, orgs), "q": q})


def org_detail(request, pk: int):
    org = get_org_for_user(request.user, pk)
    day = today()
    children = Organisation.objects.filter(parent=org).order_by("name")
    cells_below = Organisation.objects.subtree_of(org).cells().active_on(day).count()
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "page": paginate(request, children),
            "cells_below": cells_below,
            "can_read_members": can_read_members_of(request.user, org),
            "can_write": can_write_org(request.user, org),
            "is_staff": is_staff_of(request.user, org),
        },
    )
