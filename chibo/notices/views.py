import json
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
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




@login_not_required
@csrf_exempt
@require_http_methods(["POST"])
def sms_report(request):
    """Delivery reports from the SMS gateway (docs/notices.md): refused unless the configured key matches."""
    key = settings.CHIBO_SMS.get("REPORT_KEY", "")
    if not key or not secrets.compare_digest(request.GET.get("khoa", ""), key):
        raise Http404
    try:
        data = json.loads(request.body.decode("utf-8"))
        ref, status = str(data["SMSID"]), str(data["Status"]).lower()
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return JsonResponse({"error": "Cần JSON {SMSID, Status}."}, status=400)
    if status not in ("delivered", "failed"):
        return JsonResponse({"error": "Status: delivered hoặc failed."}, status=400)
    found = services.sms_report(ref=ref, delivered=status == "delivered", reason=str(data.get("Error") or ""))
    return JsonResponse({"ok": found}, status=200 if found else 404)
