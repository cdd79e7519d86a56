"""DOCX and PDF downloads of resolutions and conclusions.

Anyone who sees the meeting downloads the approved text; a draft belongs to those who may write the
cell (403 for the others), as for minutes; 404 outside the user's subtree."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path

from chibo.orgs.access import can_write_org
from chibo.resolutions.access import get_resolution_for_user
from chibo.resolutions.documents import (
    CONTENT_TYPES,
    resolution_export_logged,
    resolution_file,
    resolution_filename,
)
from chibo.resolutions.models import ResolutionStatus

DRAFT_HIDDEN = "Văn bản đang là dự thảo, chưa được chi bộ thông qua; chỉ cấp ủy chi bộ tải được."


def _download(request, pk: int, fmt: str) -> HttpResponse:
    resolution = get_resolution_for_user(request.user, pk)
    if resolution.status == ResolutionStatus.DRAFT and not can_write_org(request.user, resolution.cell):
        raise PermissionDenied(DRAFT_HIDDEN)
    content = resolution_file(resolution, fmt)
    resolution_export_logged(resolution=resolution, by=request.user)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{resolution_filename(resolution, fmt)}"'
    return response


def resolution_docx(request, pk: int):
    return _download(request, pk, "docx")


def resolution_pdf(request, pk: int):
    return _download(request, pk, "pdf")


urlpatterns_documents = [
    path("nghi-quyet/<int:pk>/docx/", resolution_docx, name="docx"),
    path("nghi-quyet/<int:pk>/pdf/", resolution_pdf, name="pdf"),
]
