from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from chibo.common.paging import paginate
from chibo.members import access as members_access
from chibo.notices import access, selectors, services
from chibo.notices.models import ChannelChoice


def inbox(request):
    page = paginate(request, selectors.inbox(request.user))
    return render(
        request,
        "notices/inbox.html",
        {"page": page, "member": access.own_member(request.user), "unread": selectors.unread_count(request.user)},
    )


def open_notice(request, pk: int):
    delivery = services.delivery_read(access.get_delivery_for_user(request.user, pk))
    return render(request, "notices/notice.html", {"delivery": delivery, "notice": delivery.notice})


@require_http_methods(["GET", "POST"])
def channels(request, member_pk: int):
    member = members_access.member.get_for_user(request.user, member_pk)
    access.check_set_channels(request.user, member)
    choice = ChannelChoice.objects.filter(member=member).first()
    if request.method == "POST":
        services.channels_set(
            member=member, sms="sms" in request.POST, email="email" in request.POST, by=request.user
        )
        messages.success(request, "Đã lưu cách nhận thông báo.")
        return redirect("notices:channels", member_pk=member.pk)
    return render(
        request,
        "notices/channels.html",
        {
            "member": member,
            "sms": choice.sms if choice else True,
            "email": choice.email if choice else True,
            "own": member.user_id == request.user.pk,
        },
    )


