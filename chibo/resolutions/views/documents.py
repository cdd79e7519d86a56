"""DOCX and PDF downloads of resolutions and conclusions.

Anyone who sees the meeting downloads the approved text; a draft belongs to those who may write the
cell (403 for the others), as for minutes; 404 outside the user's subtree."""

from django.http import HttpResponse
from django.urls import path

from chibo.resolutions import access
from chibo.resolutions.documents import (
    CONTENT_TYPES,
    resolution_export_logged,
    resolution_file,
    resolution_filename,
)


def _download(request, pk: int, fmt: str) -> HttpResponse:
    resolution = access.resolution.get_for_user(request.user, pk)
    access.resolution.check_read_text(request.user, resolution)
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
