"""Chibo's URLs plus views that fail on purpose, for tests/web/test_error_pages.py."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from chibo.urls import urlpatterns as chibo_urlpatterns


@login_not_required
def boom(request):
    raise RuntimeError("lỗi thử")


@login_not_required
def forbidden(request):
    raise PermissionDenied("Chỉ cấp ủy chi bộ mới sửa được biên bản.")


@login_not_required
def suspicious(request):
    raise SuspiciousOperation("đầu vào lạ")


urlpatterns = [
    path("__thu/500/", boom),
    path("__thu/403/", forbidden),
    path("__thu/400/", suspicious),
    *chibo_urlpatterns,
]
