"""Request helpers that know nothing of Chibo's domain."""

import ipaddress
import logging

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse


def client_address(request) -> str:
    """The sender's IP. X-Forwarded-For is believed only when CHIBO_TRUSTED_PROXY says a proxy of ours
    sets it (any client can send the header); then the right-most address is the one our proxy saw."""
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "CHIBO_TRUSTED_PROXY", False):
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            address = forwarded[-1]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6:
        # One subscriber usually holds a whole /64: count it as one sender.
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


NUL_REFUSED = "Địa chỉ hoặc tham số chứa ký tự không hợp lệ (ký tự NUL). Hãy sửa lại rồi thử lại."


class RefuseNulMiddleware:
    """A NUL character in the path or a query parameter is answered 400 before any view runs: PostgreSQL
    refuses NUL in text, so a search box or an API filter would otherwise end in a 500. Form fields have
    Django's own check (ProhibitNullCharactersValidator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_REFUSED}, status=400)
            return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


logger = logging.getLogger(__name__)
FILE_MISSING = "Không tìm thấy tệp trên máy chủ (có thể đã bị xóa hoặc chưa khôi phục). Hãy báo quản trị hệ thống."


def open_stored(field_file):
    """A stored file opened for a download; one whose bytes are gone from the storage (a lost disk, a
    restore without the media) is a 404 that says so, not a 500. The record itself stays."""
    try:
        return field_file.open("rb")
    except (FileNotFoundError, IsADirectoryError, ValueError):
        logger.warning("stored file missing: %s", getattr(field_file, "name", ""))
        raise Http404(FILE_MISSING) from None


BUSY_MESSAGE = "Hệ thống đang bận, xin thử lại sau ít phút. Dữ liệu chưa được ghi; hãy gửi lại."
BUSY_RETRY_SECONDS = 30
# What a database says when a write waited for a lock past its timeout (SQLite), or a lock, a deadlock
# or a serialization conflict ended it (PostgreSQL): nothing was written, and the same request later
# succeeds. Not a defect to hide behind a 500.
_BUSY_SIGNS = (
    "database is locked",
    "database table is locked",
    "lock timeout",
    "could not obtain lock",
    "deadlock detected",
    "could not serialize access",
)


def database_busy(exc: BaseException | None) -> bool:
    from django.db import OperationalError

    return isinstance(exc, OperationalError) and any(sign in str(exc).lower() for sign in _BUSY_SIGNS)


def server_error(request, template_name: str = "500.html"):
    """handler500: a busy database is a Vietnamese 503 with Retry-After (JSON under /api/); anything else
    is Django's own 500 page (ours, 500.html, rendered with no database access)."""
    import sys

    from django.template import loader
    from django.views.defaults import server_error as django_server_error

    if not database_busy(sys.exc_info()[1]):
        return django_server_error(request, template_name)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": BUSY_MESSAGE}, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(BUSY_RETRY_SECONDS)
    return response
