"""Checking an uploaded file and reading its text, on bytes only: nothing is executed or rendered.

Allowed: PDF, DOCX and images, by extension AND by content (a PDF starts with %PDF, a DOCX is a zip
holding word/document.xml, an image opens with Pillow). Text of PDF (pypdf) and DOCX (python-docx) is
read for the search.
"""

import io
import logging
from pathlib import Path

from chibo.common.files import content_matches, mismatch_words
from chibo.meetings.services.preparation import MATERIAL_EXTENSIONS, MATERIAL_MAX_BYTES

logger = logging.getLogger(__name__)

ALLOWED = "PDF, DOCX hoặc ảnh (JPG, PNG, WEBP)"
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
    if not content_matches(ext, data):
        return f"{label}: {mismatch_words(ext)}."
    return None


def content_type(name: str) -> str:
    return MATERIAL_EXTENSIONS.get(Path(name).suffix.lower(), "application/octet-stream")


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
