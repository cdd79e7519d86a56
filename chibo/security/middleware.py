"""SessionGuardMiddleware: after OTPMiddleware, before LoginRequiredMiddleware.

Per request of a logged-in user (one query: the user's SessionEpoch row):
- a session idle for CHIBO_SESSION_IDLE_MINUTES ends;
- a session older than the user's last "log out of every device" ends;
- a user who has a second factor, or must have one (staff, supervisor, administrator), and has not
  passed it in this session is sent to verify it or to set it up; a call to the JSON API with that
  session gets a JSON 403. Calls with a bearer token are not touched.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from chibo.security.access import second_factor_required
from chibo.security.models import SessionEpoch
from chibo.security.signals import EPOCH_KEY, SEEN_KEY

NOTICE_KEY = "security_notice"
# Write the last-seen time at most this often (each write is a session save).
SEEN_RESOLUTION = 60

# What a logged-in user who has not passed the second factor may still open: pages anonymous visitors
# may open (marked `login_not_required`: the login page, account activation and password reset, the
# public portal), pages marked `second_factor_not_required`, logging out, the second-factor pages and
# the API schema. Every other JSON API call with a session answers 403.
OPEN_URL_NAMES = {"logout", "security:verify", "security:setup"}
API_PREFIX = "/api/"
OPEN_API_PATHS = ("/api/v1/openapi.json", "/api/v1/docs")


def _url_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


def _is_open(request, view_func) -> bool:
    if request.path.startswith(API_PREFIX):
        # Every API route is marked login_not_required (the API answers 401 itself): only the schema is open.
        return request.path.startswith(OPEN_API_PATHS)
    if getattr(view_func, "second_factor_front_door", False):
        return False
    if getattr(view_func, "second_factor_exempt", False) or not getattr(view_func, "login_required", True):
        return True
    return _url_name(request) in OPEN_URL_NAMES


def end_session(request, notice: str) -> None:
    logout(request)
    request.session[NOTICE_KEY] = notice


class SessionGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer "):
            self._check_session(request, user)
        return self.get_response(request)

    def _check_session(self, request, user) -> None:
        session = request.session
        now = int(time.time())
        seen = session.get(SEEN_KEY)
        if seen is not None and now - seen > settings.CHIBO_SESSION_IDLE_MINUTES * 60:
            end_session(request, "idle")
            return
        try:
            # Loaded with the user by LoginGuardBackend.get_user; a query only for other backends.
            epoch = user.session_epoch
        except SessionEpoch.DoesNotExist:
            epoch = None
        counter, has_factor = (epoch.counter, epoch.has_second_factor) if epoch else (0, False)
        if session.get(EPOCH_KEY, 0) != counter:
            end_session(request, "everywhere")
            return
        if seen is None or now - seen >= SEEN_RESOLUTION:
            session[SEEN_KEY] = now
        request.security_has_second_factor = has_factor

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer "):
            return None
        if user.is_verified() or _is_open(request, view_func):
            return None
        has_factor = getattr(request, "security_has_second_factor", False)
        if not has_factor and not second_factor_required(user):
            return None
        if request.path.startswith(API_PREFIX):
            return JsonResponse(
                {"detail": "Cần xác thực hai lớp: hãy nhập mã xác thực trên trang web trước khi dùng API."},
                status=403,
            )
        target = "security:verify" if has_factor else "security:setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
