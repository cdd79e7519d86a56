"""What an uploaded file really is, read from its bytes: an extension is only a claim (an HTML page
saved as .pdf, an SVG with script saved as .png). Nothing is executed or rendered."""

import io
import zipfile

IMAGE_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
# A zip of Office Open XML holds this part for each kind.
_OFFICE_PARTS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
KIND_WORDS = {".pdf": "tệp PDF", ".docx": "tệp Word (DOCX)", ".xlsx": "tệp Excel (XLSX)"}


def content_matches(ext: str, data: bytes) -> bool:
    """True when the bytes are a file of the type the extension names (.pdf, .docx, .xlsx, images)."""
    ext = ext.lower()
    if ext == ".pdf":
        return data.startswith(b"%PDF-")
    if ext in _OFFICE_PARTS:
        return _zip_holds(data, _OFFICE_PARTS[ext])
    if ext in IMAGE_FORMATS:
        return _is_image(data, IMAGE_FORMATS[ext])
    return False


def mismatch_words(ext: str) -> str:
    """'nội dung không phải …' completed for the extension."""
    ext = ext.lower()
    if ext in IMAGE_FORMATS:
        return f"nội dung không phải ảnh {ext[1:].upper()} hợp lệ"
    return f"nội dung không phải {KIND_WORDS.get(ext, 'tệp ' + ext[1:].upper())}"


def read_upload(file) -> bytes:
    """The bytes of an uploaded file, leaving it ready to be stored."""
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data


def _zip_holds(data: bytes, part: str) -> bool:
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return part in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _is_image(data: bytes, expected: str) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            return image.format == expected
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False


def write_private(path, content: bytes) -> None:
    """Write a file only its owner can read: exports, reports and slips list members by name."""
    import os

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        os.fchmod(out.fileno(), 0o600)  # an existing file keeps its mode otherwise
        out.write(content)


_private_databases: set[str] = set()


def make_sqlite_private(sender, connection, **kwargs) -> None:
    """connection_created: the SQLite file (and so its -wal and -shm, which SQLite creates with the same
    mode) readable by its owner only, once per process."""
    import os

    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name in _private_databases or name == ":memory:" or name.startswith("file:"):
        return
    if os.path.exists(name):
        os.chmod(name, 0o600)
        _private_databases.add(name)
