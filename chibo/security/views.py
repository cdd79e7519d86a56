"""Login, the second factor, sessions and lockouts: thin views over services.py."""

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from chibo.audit.models import Action
from chibo.common.paging import paginate
from chibo.common.people import person_name
from chibo.security import access, lockout, services
from chibo.security.forms import CodeForm, LoginForm, SetupForm
from chibo.security.middleware import NOTICE_KEY, end_session

NOTICES = {
    "idle": "Phiên làm việc đã kết thúc vì quá {minutes} phút không thao tác. Hãy đăng nhập lại.",
    "everywhere": "Phiên đăng nhập đã kết thúc vì tài khoản đã được đăng xuất khỏi mọi thiết bị.",
}


def _next(request, default: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}" if target else reverse(name)


# --- Login


class LoginView(auth_views.LoginView):
    template_name = "auth/login.html"
    form_class = LoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notice = self.request.session.pop(NOTICE_KEY, None)
        if notice in NOTICES:
            context["notice"] = NOTICES[notice].format(minutes=settings.CHIBO_SESSION_IDLE_MINUTES)
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        address = getattr(self.request, "axes_ip_address", "") or ""
        services.audit_account(
            action=Action.LOGIN, target=user, by=user, note=f"từ {address}" if address else ""
        )
        return response


login_view = login_not_required(LoginView.as_view())


def locked_out(request, response=None, credentials=None):
    """django-axes' answer to a locked login: the login page, saying until when (local time)."""
    username = (credentials or {}).get("username") or request.POST.get("username") or None
    until = lockout.locked_until(username=username, ip_address=getattr(request, "axes_ip_address", None))
    until = until or timezone.now() + lockout.cool_off()
    form = LoginForm(request, initial={"username": username or ""})
    context = {
        "form": form,
        "locked_until": timezone.localtime(until),
        "next": request.POST.get("next", ""),
    }
    return render(request, "auth/login.html", context, status=429)


# --- Second factor


def verify(request):
    """Ask for the code of the user's app (or a recovery code); then back to where they were going."""
    user = request.user
    target = _next(request)
    if not services.has_second_factor(user):
        return redirect(_with_next("security:setup", target))
    if user.is_verified():
        return redirect(target)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.match_code(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(target)
        services.audit_account(action=Action.LOGIN_FAILED, target=user, by=user, note="mã xác thực sai")
        form.add_error(
            "code",
            "Mã xác thực: mã không đúng, đã hết hạn hoặc đã dùng. Hãy nhập mã 6 số đang hiện trong ứng dụng "
            "(đợi mã mới nếu vừa nhập sai), hoặc một mã khôi phục chưa dùng.",
        )
    return render(request, "security/verify.html", {"form": form, "next": target})


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def setup(request):
    """Set up the authenticator app: a QR and the secret to type; it counts once a code is confirmed."""
    user = request.user
    target = _next(request, reverse("security:home"))
    if services.has_totp(user) and not user.is_verified():
        # Replacing an app needs the current one first.
        return redirect(_with_next("security:verify", request.get_full_path()))
    device = services.pending_totp(user)
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = "".join(form.cleaned_data["code"].split())
        if device.verify_is_allowed()[0] and device.verify_token(code):
            codes = services.totp_confirm(device=device, by=user)
            otp_login(request, device)
            return render(
                request, "security/recovery_codes.html", {"codes": codes, "next": target, "new": True}
            )
        form.add_error(
            "code",
            "Mã 6 số trong ứng dụng: mã không đúng. Hãy kiểm tra giờ của điện thoại và nhập mã đang hiện.",
        )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {
        "form": form,
        "next": target,
        "qr": segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111", light="#fff"),
        "secret": _grouped(secret),
        "required": access.second_factor_required(user),
    }
    return render(request, "security/setup.html", context)


@require_POST
def recovery_codes(request):
    codes = services.recovery_codes_renew(user=request.user, by=request.user)
    return render(request, "security/recovery_codes.html", {"codes": codes, "next": reverse("security:home")})


@require_POST
def second_factor_remove(request):
    user = request.user
    if access.second_factor_required(user):
        messages.error(
            request, "Tài khoản có quyền cán bộ, phụ trách hoặc quản trị bắt buộc dùng xác thực hai lớp."
        )
        return redirect("security:home")
    services.second_factor_remove(user=user, by=user)
    messages.success(request, "Đã tắt xác thực hai lớp.")
    return redirect("security:home")


# --- The user's security page, sessions


def home(request):
    user = request.user
    context = {
        "has_totp": services.has_totp(user),
        "recovery_left": services.recovery_codes_left(user),
        "required": access.second_factor_required(user),
        "can_manage": access.can_manage_accounts(user),
        "idle_minutes": settings.CHIBO_SESSION_IDLE_MINUTES,
    }
    return render(request, "security/home.html", context)


@require_POST
def logout_everywhere(request):
    services.sessions_end_all(user=request.user, by=request.user)
    end_session(request, "everywhere")
    return redirect("login")


# --- Staff: locked accounts and sessions of the accounts in their scope


def _manager_only(request):
    access.require_account_manager(request.user)


def accounts(request):
    """Locked accounts in the staff member's scope, and a search for any account in it."""
    _manager_only(request)
    staff = request.user
    locked_names = lockout.locked_usernames()
    locked = [
        u
        for u in access.users_in_scope(staff).filter(username__in=locked_names)
        if access.manages_user(staff, u)
    ]
    query = (request.GET.get("q") or "").strip()
    found = []
    if query:
        candidates = access.users_in_scope(staff).filter(username__icontains=query) | access.users_in_scope(
            staff
        ).filter(member__full_name__icontains=query)
        found = [u for u in candidates.distinct().order_by("username")[:200] if access.manages_user(staff, u)]
    page = paginate(request, found, settings.CHIBO_PAGE_SIZE)
    context = {
        "locked": [(u, person_name(u)) for u in locked],
        "query": query,
        "page": page,
        "found": [(u, person_name(u)) for u in page],
    }
    return render(request, "security/accounts.html", context)


@require_POST
def unlock(request, pk: int):
    target = access.get_user_for_staff(request.user, pk)
    services.account_unlock(user=target, by=request.user)
    messages.success(request, f"Đã mở khóa đăng nhập cho {person_name(target)}.")
    return redirect("security:accounts")


@require_POST
def logout_user_everywhere(request, pk: int):
    target = access.get_user_for_staff(request.user, pk)
    services.sessions_end_all(user=target, by=request.user)
    messages.success(request, f"Đã đăng xuất {person_name(target)} khỏi mọi thiết bị.")
    return redirect("security:accounts")
