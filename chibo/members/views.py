from django.shortcuts import render

from chibo.common.collation import vi_order
from chibo.common.dates import today
from chibo.common.paging import paginate
from chibo.members.access import can_write_member, get_member_for_user, members_visible_to
from chibo.members.selectors import members_of, search_members
from chibo.orgs.access import can_read_members_of, can_write_org, get_org_for_user
from chibo.orgs.views import visible_ancestors


def member_list(request):
    q = request.GET.get("q", "").strip()
    members = search_members(members_visible_to(request.user), q).order_by(vi_order("sort_name"), "pk")
    return render(request, "members/list.html", {"page": paginate(request, members), "q": q})


def org_members(request, org_pk: int):
    org = get_org_for_user(request.user, org_pk)
    if not can_read_members_of(request.user, org):
        from django.http import Http404

        raise Http404("Không tìm thấy danh sách đảng viên.")
    q = request.GET.get("q", "").strip()
    members = search_members(members_of(org, today()), q).order_by(vi_order("sort_name"), "pk")
    return render(
        request,
        "members/org_members.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "page": paginate(request, members),
            "q": q,
            "can_write": can_write_org(request.user, org),
        },
    )


def member_detail(request, pk: int):
    member = get_member_for_user(request.user, pk)
    return render(
        request,
        "members/detail.html",
        {
            "member": member,
            "memberships": member.memberships.select_related("cell").order_by("-valid_from"),
            "positions": member.positions.select_related("cell").order_by("-valid_from"),
            "exemptions": member.exemptions.order_by("-valid_from"),
            "trainings": member.trainings.order_by("-started_on"),
            "can_write": can_write_member(request.user, member),
        },
    )
