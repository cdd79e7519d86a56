import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import redirect, render

from chibo.common.dates import today
from chibo.common.forms import add_service_errors
from chibo.common.paging import paginate
from chibo.common.people import person_name
from chibo.common.pickers import PICK_LIMIT, matches
from chibo.common.text import fold
from chibo.orgs.access import (
    can_move_org,
    can_read_members_of,
    can_read_rights,
    can_see_org,
    can_write_org,
    get_org_for_rights,
    get_org_for_user,
    get_role_for_user,
    grantable_roles,
    is_staff_of,
    orgs_visible_to,
    visible_ancestors,
    writable_parents,
)
from chibo.orgs.forms import GrantForm, OrgForm, OrgMoveForm, RevokeForm
from chibo.orgs.models import ROLE_RANK, Organisation, OrgKind, OrgParentPeriod
from chibo.orgs.rights import accounts_matching, rights_held_in
from chibo.orgs.services import org_create, org_move, org_update, role_grant, role_revoke


def org_search(request):
    """The picker's search: organisations the user sees (cells only with ?loai=chi-bo) whose name or code
    holds every word typed, accents ignored; at most PICK_LIMIT, in tree order."""
    wanted = fold(request.GET.get("q", ""))
    orgs = orgs_visible_to(request.user).filter(dissolved_on__isnull=True)
    if request.GET.get("loai") == "chi-bo":
        orgs = orgs.filter(kind=OrgKind.CELL)
    found = []
    if wanted:
        # Names are folded here, not in SQL: SQLite and PostgreSQL fold accents differently, and a
        # user's subtree is at most a few thousand short rows.
        for pk, code, name in orgs.order_by("path").values_list("pk", "code", "name").iterator():
            if matches(fold(f"{code} {name}"), wanted):
                found.append({"id": pk, "label": f"{code} · {name}"})
                if len(found) == PICK_LIMIT:
                    break
    return JsonResponse({"results": found})


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
            "can_read_rights": can_read_rights(user, org),
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


# --- rights ------------------------------------------------------------------------------------------


def org_rights(request, pk: int):
    """Who holds which right in the subtree, now (with grants to come) or in the past, and from what."""
    org = get_org_for_rights(request.user, pk)
    past = request.GET.get("xem") == "truoc-day"
    day = today()
    page = paginate(request, rights_held_in(org, day=day, current=not past))
    mine = grantable_roles(request.user, org)
    top = max((ROLE_RANK[r] for r in mine), default=-1)
    revocable = {
        h.role_id
        for h in page
        if h.role_id
        and not past
        and ROLE_RANK[h.role] <= top
        and can_read_rights(request.user, h.organisation)
    }
    return render(
        request,
        "orgs/rights.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "page": page,
            "past": past,
            "day": day,
            "can_grant": bool(mine),
            "revocable": revocable,
        },
    )


def org_rights_grant(request, pk: int):
    org = get_org_for_rights(request.user, pk, grant=True)
    query = request.GET.get("tim", "").strip()
    found = [(u, person_name(u)) for u in accounts_matching(org, query)] if query else []
    initial = {"account": request.GET.get("tai_khoan", ""), "valid_from": today()}
    form = GrantForm(request.POST or None, roles=grantable_roles(request.user, org), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            role_grant(
                user=data["account"],
                organisation=org,
                role=data["role"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error, {"user": "account"})
        else:
            messages.success(request, f"Đã trao quyền cho {person_name(data['account'])}.")
            return redirect("orgs:rights", pk=org.pk)
    return render(
        request,
        "orgs/rights_grant.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "form": form,
            "query": query,
            "found": found,
        },
    )


def role_revoke_view(request, pk: int):
    """Revoking asks for a confirmation (GET shows it); the right ends today, its row stays."""
    role = get_role_for_user(request.user, pk, revoke=True)
    org = role.organisation
    if role.valid_until is not None and role.valid_until <= today():
        messages.info(request, "Quyền này đã hết hiệu lực.")
        return redirect("orgs:rights", pk=org.pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            role_revoke(role=role, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Đã thu hồi quyền {role.get_role_display().lower()} của {person_name(role.user)}."
            )
            return redirect("orgs:rights", pk=org.pk)
    return render(
        request,
        "orgs/rights_revoke.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "role": role,
            "holder": person_name(role.user),
            "form": form,
        },
    )
