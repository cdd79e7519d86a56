import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render

from chibo.common.dates import today
from chibo.common.forms import add_service_errors
from chibo.common.paging import paginate
from chibo.orgs.access import (
    can_move_org,
    can_read_members_of,
    can_see_org,
    can_write_org,
    get_org_for_user,
    is_staff_of,
    orgs_visible_to,
    visible_ancestors,
    writable_parents,
)
from chibo.orgs.forms import OrgForm, OrgMoveForm
from chibo.orgs.models import Organisation, OrgParentPeriod
from chibo.orgs.services import org_create, org_move, org_update


def org_list(request):
    q = request.GET.get("q", "").strip()
    orgs = orgs_visible_to(request.user).select_related("parent")
    if q:
        orgs = orgs.filter(Q(name__icontains=q) | Q(code__iexact=q))
    return render(
        request,
        "orgs/list.html",
        {
            "page": paginate(request, orgs),
            "q": q,
            "can_create": writable_parents(request.user).exists() or request.user.is_superuser,
        },
    )


def org_detail(request, pk: int):
    org = get_org_for_user(request.user, pk)
    user = request.user
    children = Organisation.objects.filter(parent=org).order_by("name")
    cells_below = Organisation.objects.subtree_of(org).cells().active_on(today()).count()
    history = [
        (period, period.parent is not None and can_see_org(user, period.parent))
        for period in OrgParentPeriod.objects.filter(organisation=org)
        .select_related("parent")
        .order_by("valid_from", "pk")
    ]
    can_write = can_write_org(user, org)
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "ancestors": visible_ancestors(user, org),
            "page": paginate(request, children),
            "cells_below": cells_below,
            "history": history,
            "can_read_members": can_read_members_of(user, org),
            "can_write": can_write,
            "can_move": can_move_org(user, org),
            "is_staff": is_staff_of(user, org),
        },
    )


def org_create_view(request):
    parent = None
    if request.GET.get("cap_tren", "").isdigit():
        parent = get_org_for_user(request.user, request.GET["cap_tren"], write=True)
    form = OrgForm(request.POST or None, user=request.user, initial={"parent": parent})
    if request.method == "POST" and form.is_valid():
        try:
            org = org_create(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Đã thêm {org.name}.")
            return redirect(org)
    ancestors = visible_ancestors(request.user, parent) if parent else []
    return render(request, "orgs/form.html", {"form": form, "ancestors": ancestors, "org": parent})


def org_edit(request, pk: int):
    org = get_org_for_user(request.user, pk, write=True)
    # The form works on a copy: the service needs the stored values to write "before" in the audit log.
    form = OrgForm(request.POST or None, instance=copy.copy(org), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            org_update(org=org, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã lưu thay đổi.")
            return redirect(org)
    return render(
        request,
        "orgs/form.html",
        {"form": form, "org": org, "ancestors": visible_ancestors(request.user, org), "editing": True},
    )


def org_move_view(request, pk: int):
    org = get_org_for_user(request.user, pk, move=True)
    form = OrgMoveForm(request.POST or None, user=request.user, org=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org_move(
                org=org, new_parent=data["new_parent"], on=data["on"], note=data["note"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error, {"parent": "new_parent"})
        else:
            messages.success(request, f"Đã chuyển {org.name} sang {data['new_parent'].name}.")
            return redirect(org)
    return render(
        request,
        "orgs/move.html",
        {"form": form, "org": org, "ancestors": visible_ancestors(request.user, org)},
    )
