"""Pure rules of the portal: article bodies, images, the captcha's answer, address hashes, limits."""

import datetime as dt
import hashlib
import hmac
import re
import secrets
import unicodedata

import markdown  # type: ignore[import-untyped, unused-ignore]  # typed only when some package brings types-Markdown
import nh3
from django.conf import settings
from django.core import signing
from django.utils.text import slugify

from chibo.common.text import fold

# --- article bodies ------------------------------------------------------------------------------------

BODY_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "a", "ul", "ol", "li", "blockquote", "h2", "h3", "h4",
    "hr", "img", "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
BODY_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}


def _local_images_only(tag: str, attribute: str, value: str) -> str | None:
    # Nothing on a page may load from another host: an image must be one of ours (a path on this site).
    if tag == "img" and attribute == "src" and not (value.startswith("/") and not value.startswith("//")):
        return None
    return value


def render_body(text: str) -> str:
    """Markdown typed by the committee's staff, as HTML safe to show on a public page."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        attribute_filter=_local_images_only,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def make_slug(title: str) -> str:
    # slugify drops Vietnamese letters it cannot map (đ); fold() maps them first.
    return slugify(fold(title))[:120] or "bai-viet"


# --- images -----------------------------------------------------------------------------------------------

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
IMAGE_EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000


# --- comments -----------------------------------------------------------------------------------------------

# Per client address, counted in the database so every app process sees the same numbers.
RATE_LIMITS = ((dt.timedelta(minutes=10), 3), (dt.timedelta(days=1), 20))
RATE_LIMITED = "Bạn đã gửi quá nhiều bình luận trong thời gian ngắn. Vui lòng thử lại sau."
PHONE_RE = re.compile(r"^\+?[0-9][0-9 .\-]{7,18}[0-9]$")
BAD_PHONE = "Số điện thoại: không hợp lệ; chỉ gồm chữ số, ví dụ 0912345678."


def over_limit(counts: list[int]) -> bool:
    """`counts`: comments already sent from the address within each window of RATE_LIMITS."""
    return any(count >= limit for count, (_, limit) in zip(counts, RATE_LIMITS, strict=True))


def clean_text(text: str) -> str:
    return unicodedata.normalize("NFC", (text or "").replace("\x00", "")).strip()


def address_hash(address: str) -> str:
    """A keyed hash of the address (Decree 13/2023: no raw IPs kept for a counting purpose)."""
    key = f"chibo.portal.address:{settings.SECRET_KEY}".encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


# --- the captcha ----------------------------------------------------------------------------------------------

CAPTCHA_LENGTH = 5
CAPTCHA_MAX_AGE = dt.timedelta(minutes=30)
CAPTCHA_SALT = "chibo.portal.captcha"
# Wrong answers one image takes before it is spent: a person mistypes once or twice, a script guesses.
CAPTCHA_MAX_WRONG = 3


def captcha_new_key() -> str:
    return secrets.token_urlsafe(18)


def captcha_answer(key: str) -> str:
    """The digits drawn on the captcha image of `key`: derived from the key and SECRET_KEY, so nothing
    is stored until it is used (pages stay cheap), and the image can be drawn by any app process."""
    digest = hmac.new(f"{CAPTCHA_SALT}:{settings.SECRET_KEY}".encode(), key.encode(), hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**CAPTCHA_LENGTH).zfill(CAPTCHA_LENGTH)


def captcha_token(key: str) -> str:
    return signing.dumps(key, salt=CAPTCHA_SALT)


def captcha_key(token: str) -> str | None:
    """The key of a token this site issued within CAPTCHA_MAX_AGE, or None."""
    try:
        return signing.loads(token or "", salt=CAPTCHA_SALT, max_age=CAPTCHA_MAX_AGE)
    except signing.BadSignature:
        return None


def captcha_matches(key: str, typed: str) -> bool:
    typed = "".join(ch for ch in (typed or "") if not ch.isspace())
    return hmac.compare_digest(captcha_answer(key), typed)
