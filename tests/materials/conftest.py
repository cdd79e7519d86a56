import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chibo.materials import services
from chibo.materials.models import Audience, MaterialKind


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


PNG = png_bytes()


def docx_bytes(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<html><body><p>{text}</p></body></html>").write_pdf()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def publish(publisher, *, by, title="Tài liệu sinh hoạt tháng 3", **kw):
    kw.setdefault("kind", MaterialKind.MONTHLY)
    kw.setdefault("month", dt.date(2025, 3, 1))
    kw.setdefault("audience", Audience.SUBTREE)
    return services.material_publish(publisher=publisher, title=title, by=by, **kw)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
