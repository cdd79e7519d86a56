"""Checking an uploaded file and reading its text, on bytes only: nothing is executed or rendered.

Allowed: PDF, DOCX and images, by extension AND by content (a PDF starts with %PDF, a DOCX is a zip
holding word/document.xml, an image opens with Pillow). Text of PDF (pypdf) and DOCX (python-docx) is
read for the search.
"""

import io
import logging
import zipfile
from pathlib import Path

from chibo.meetings.services.preparation import MATERIAL_EXTENSIONS, MATERIAL_MAX_BYTES

logger = logging.getLogger(__name__)

ALLOWED = "PDF, DOCX hoặc ảnh (JPG, PNG, WEBP)"
IMAGE_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
# Text beyond this is not searched: a 20 MB PDF of scanned text would otherwise fill the table.
MAX_TEXT = 500_000


def file_problem(name: str, data: bytes, size: int | None = None) -> str | None:
    """A Vietnamese reason the file is refused, naming it; None if it may be stored. `size` is given
    (with no data) when the upload is already known to be too large."""
    size = len(data) if size is None else size
    label = f"Tệp “{Path(name or '').name}”"
    ext = Path(name or "").suffix.lower()
    if ext not in MATERIAL_EXTENSIONS:
        return f"{label}: chỉ nhận tài liệu {ALLOWED}."
    if size == 0:
        return f"{label}: tệp rỗng."
    if size > MATERIAL_MAX_BYTES:
        mb = MATERIAL_MAX_BYTES // (1024 * 1024)
        return f"{label}: dung lượng tối đa {mb} MB; tệp này {size / (1024 * 1024):.1f} MB."
    if ext == ".pdf" and not data.startswith(b"%PDF-"):
        return f"{label}: nội dung không phải tệp PDF."
    if ext == ".docx" and not _is_docx(data):
        return f"{label}: nội dung không phải tệp Word (DOCX)."
    if ext in IMAGE_FORMATS and not _is_image(data, IMAGE_FORMATS[ext]):
        return f"{label}: nội dung không phải ảnh {ext[1:].upper()} hợp lệ."
    return None


def content_type(name: str) -> str:
    return MATERIAL_EXTENSIONS.get(Path(name).suffix.lower(), "application/octet-stream")


def _is_docx(data: bytes) -> bool:
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _is_image(data: bytes, expected: str) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            return image.format == expected
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return False


def extract_text(name: str, data: bytes) -> str:
    """Plain text of a PDF or DOCX ('' for images, or when the file cannot be read: it is still stored)."""
    ext = Path(name).suffix.lower()
    try:
        if ext == ".pdf":
            return _pdf_text(data)[:MAX_TEXT]
        if ext == ".docx":
            return _docx_text(data)[:MAX_TEXT]
    except Exception:  # a damaged file must not block the upload; it just is not searchable
        logger.warning("Không đọc được nội dung tệp %s", name, exc_info=True)
    return ""


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    parts = []
    total = 0
    for page in reader.pages:
        text = page.extract_text() or ""
        parts.append(text)
        total += len(text)
        if total > MAX_TEXT:
            break
    return "\n".join(parts)


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)
