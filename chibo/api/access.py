"""API tokens are private to their owner: someone else's token is "not found", not "forbidden"."""

from django.http import Http404

from chibo.api.models import ApiToken
from chibo.common.access import deny, is_system


def get_token_for_user(user, pk) -> ApiToken:
    token = ApiToken.objects.filter(pk=pk, user=user).first() if getattr(user, "pk", None) else None
    if token is None:
        raise Http404("Không tìm thấy khóa.")
    return token


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READ_ONLY_REFUSED = "Khóa API này chỉ được đọc: không dùng được để thêm, sửa hay xóa dữ liệu."


def require_token_allows(token: ApiToken, method: str) -> None:
    """A read-only token reads and nothing else: any other method is refused (403), whatever the
    user behind it may do."""
    if token.read_only and method.upper() not in SAFE_METHODS:
        deny(READ_ONLY_REFUSED)


def require_own_tokens(by, owner) -> None:
    """Tokens are created and revoked by their owner (the command line, trusted, passes SYSTEM)."""
    if is_system(by):
        return
    if not getattr(by, "is_authenticated", False) or getattr(owner, "pk", None) != by.pk:
        deny("Chỉ chủ tài khoản mới tạo hoặc thu hồi được khóa API của mình.")
