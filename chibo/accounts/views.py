"""Account pages: per organisation (create, print slips), a member's new slip, the public activation page,
and the password pages (change, reset by e-mail) in Vietnamese."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from chibo.accounts import selectors, services
from chibo.accounts.access import (
    can_manage_accounts,
    require_issue_slip,
    require_manage_accounts,
    require_view_accounts,
)
from chibo.accounts.forms import ActivationForm, MemberPasswordResetForm, SlipsConfirmForm
from chibo.accounts.slips import activation_url, render_slips_pdf
from chibo.audit.models import Action
from chibo.common.paging import paginate
from chibo.members.access import get_member_for_user
from chibo.orgs.access import get_org_for_user, visible_ancestors
from chibo.security import lockout
from chibo.security.access import second_factor_required

BACKEND = "chibo.accounts.backends.LoginBackend"


def _org_for_accounts(request, pk, *, staff: bool):
    org = get_org_for_user(request.user, pk)  # 404 outside the user's subtree
    if staff:
        require_manage_accounts(request.user, org)
    require_view_accounts(request.user, org)
    return org


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def org_accounts(request, pk):
    org = _org_for_accounts(request, pk, staff=False)
    members = selectors.members_with_accounts(org)
    counts = selectors.account_counts(org)
    is_staff = can_manage_accounts(request.user, org)
    cap = settings.CHIBO_SLIPS_WEB_MAX
    cells = None
    if is_staff and not org.is_cell:
        # Secretaries hand the slips out cell by cell: each cell prints its own, within one request's time.
        cells = paginate(request, selectors.pending_by_cell(org), param="trang_chi_bo")
    return render(
        request,
        "accounts/org_accounts.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "counts": counts,
            "page": paginate(request, members),
            "is_staff": is_staff,
            "confirm_form": SlipsConfirmForm(),
            "cells": cells,
            "slips_cap": cap,
            "too_many": counts["pending"] > cap,
            "too_many_message": services.too_many_slips_message(org, counts["pending"]),
        },
    )


@require_POST
def accounts_create(request, pk):
    org = _org_for_accounts(request, pk, staff=True)
    result = services.accounts_create(org=org, by=request.user)
    messages.success(
        request,
        f"Đã tạo {len(result.created)} tài khoản mới; {result.existing} đảng viên đã có tài khoản từ trước. "
        "Hãy in phiếu kích hoạt để phát cho đảng viên.",
    )
    if result.conflicts:
        messages.warning(
            request,
            "Chưa tạo được tài khoản cho số thẻ đã là tên đăng nhập của một tài khoản khác: "
            + ", ".join(result.conflicts),
        )
    return redirect("accounts:org", pk=org.pk)


@require_POST
def org_slips(request, pk):
    org = _org_for_accounts(request, pk, staff=True)
    if not SlipsConfirmForm(request.POST).is_valid():
        messages.error(
            request, "Xác nhận: hãy đánh dấu ô xác nhận trước khi in phiếu (mã cũ sẽ hết hiệu lực)."
        )
        return redirect("accounts:org", pk=org.pk)
    try:
        slips = services.slips_issue(org=org, by=request.user, limit=settings.CHIBO_SLIPS_WEB_MAX)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:org", pk=org.pk)
    if not slips:
        messages.info(request, "Không có tài khoản nào đang chờ kích hoạt trong tổ chức này.")
        return redirect("accounts:org", pk=org.pk)
    return _pdf(render_slips_pdf(slips, request=request), f"phieu-kich-hoat-{org.code}.pdf")


def member_slip(request, pk):
    member = get_member_for_user(request.user, pk, write=True)  # sibling 404, visible but not theirs 403
    require_issue_slip(request.user, member)
    form = SlipsConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            slip = services.reset_slip_issue(member=member, by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return _pdf(render_slips_pdf([slip], request=request), f"phieu-{slip.login}.pdf")
    account = member.user
    return render(
        request,
        "accounts/member_slip.html",
        {
            "member": member,
            "account": account,
            "pending": account and services.is_pending(account),
            "form": form,
        },
    )


def _activation_locked(request, form):
    """Activation codes are guessed like passwords: the same lockout (django-axes) counts each wrong card
    number or code against the login and the address, so the page cannot be used to try card numbers."""
    login_name = (request.POST.get("login") or "").strip()[:150]
    until = lockout.locked_until(username=login_name or None, ip_address=lockout.client_ip(request))
    if until is not None:
        form.add_error(
            None, f"Tạm khóa vì nhập sai quá nhiều lần. Hãy thử lại sau {timezone.localtime(until):%H:%M}."
        )
        return True
    return False


@login_not_required
def activate(request):
    form = ActivationForm(request.POST or None, initial={"login": request.GET.get("so_the", "")[:150]})
    if request.method == "POST" and _activation_locked(request, form):
        return render(
            request, "accounts/activate.html", {"form": form, "url": activation_url(request)}, status=429
        )
    if request.method == "POST" and not form.is_valid() and ("login" in form.errors or "code" in form.errors):
        user_login_failed.send(
            sender=__name__, credentials={"username": form.data.get("login", "")[:150]}, request=request
        )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.account_activate(
                activation=form.activation, password=form.cleaned_data["password1"]
            )
        except services.ActivationError as error:
            form.add_error("code", error.message)
        else:
            if second_factor_required(user):
                # Rights above a member's need the second factor: through the login page.
                messages.success(request, "Đã đặt mật khẩu. Hãy đăng nhập bằng số thẻ và mật khẩu mới.")
                return redirect("login")
            login(request, user, backend=BACKEND)
            messages.success(request, "Tài khoản đã được kích hoạt. Chào mừng đồng chí đến với Chibo.")
            return redirect("meetings:my_schedule" if getattr(user, "member", None) else "home")
    return render(request, "accounts/activate.html", {"form": form, "url": activation_url(request)})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed_log(user=self.request.user, note="change")
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = MemberPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Links in the mail use the public address when one is configured, like the reminders.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed_log(user=form.user, action=Action.RESET, note="email")
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
