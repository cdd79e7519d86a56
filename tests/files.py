"""Small real files for upload tests: uploads are checked by content, not by extension."""

import io

from PIL import Image

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def png(size=(4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (179, 18, 27)).save(buffer, "PNG")
    return buffer.getvalue()


def docx(text: str = "Tài liệu sinh hoạt") -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


PNG = png()
