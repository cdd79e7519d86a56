import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from chibo.common.access import SYSTEM
from chibo.portal import rules, services

PASSWORD = "matkhau-thu-123"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (179, 18, 27)).save(buffer, "PNG")
    return buffer.getvalue()


# A small real PNG (4×3), made with Pillow.
PNG = _png()
TOKEN_RE = re.compile(r'name="captcha_token" value="([^"]+)"')


def make_article(publisher, *, title="Nâng cao chất lượng sinh hoạt chi bộ", publish=True, by=SYSTEM, **kw):
    return services.article_create(
        publisher=publisher,
        title=title,
        summary=kw.pop("summary", "Tóm tắt bài viết về Đề án 11."),
        body=kw.pop("body", "Nội dung **bài viết**."),
        author_name=kw.pop("author_name", "Thu Hằng"),
        publish=publish,
        by=by,
    )


def captcha_from(html: str) -> tuple[str, str]:
    """The hidden token of the form on a page, and the digits its image shows (the test hook)."""
    token = TOKEN_RE.search(html).group(1)
    return token, rules.captcha_answer(rules.captcha_key(token))


def comment_data(client, article, **overrides) -> dict:
    page = client.get(article.get_absolute_url())
    token, answer = captcha_from(page.content.decode())
    return {
        "name": "Nguyễn Văn Đọc",
        "phone": "0912345678",
        "title": "Ý kiến bạn đọc",
        "content": "Bài viết rất bổ ích.",
        "captcha_token": token,
        "captcha": answer,
        **overrides,
    }


def post_comment(client, article, *, address="203.0.113.5", **overrides):
    data = comment_data(client, article, **overrides)
    return client.post(article.get_absolute_url(), data, REMOTE_ADDR=address)


@pytest.fixture
def ward_article(cast):
    return make_article(cast.ward, by=cast.staff)


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def url(name, *args):
    return reverse(f"portal:{name}", args=args)
