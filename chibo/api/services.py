"""Issuing and revoking API tokens. The raw token is returned once and never stored."""

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chibo.api.access import require_own_tokens
from chibo.api.models import PREFIX_LENGTH, TOKEN_PREFIX, ApiToken, hash_token
from chibo.audit.models import Action
from chibo.audit.services import audit_log, snapshot
from chibo.common.access import is_system
from chibo.members.selectors import user_org_path
from chibo.orgs.models import top_path


def _end_of(day: dt.date) -> dt.datetime:
    # "Valid until 31/12/2025" means through that whole day in Vietnam: it ends at the next midnight.
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


@transaction.atomic
def token_create(
    *, user, name: str, by, read_only: bool = False, last_day: dt.date | None = None
) -> tuple[ApiToken, str]:
    """Issue a token; `read_only` refuses every write made with it, `last_day` (inclusive, local
    time) makes it stop by itself. The raw token is returned once."""
    require_own_tokens(by, user)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Hãy đặt tên cho khóa (ví dụ: tên máy hoặc chương trình dùng nó)."})
    if last_day is not None and last_day < timezone.localdate():
        raise ValidationError({"last_day": "Ngày hết hạn đã qua; chọn hôm nay hoặc một ngày sau."})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        key_hash=hash_token(raw),
        prefix=raw[:PREFIX_LENGTH],
        read_only=read_only,
        expires_at=_end_of(last_day) if last_day is not None else None,
    )
    token.full_clean()
    token.save()
    # Made on the command line (SYSTEM) for a user: the journal names that user, as it always has.
    audit_log(
        user=user if is_system(by) else by,
        action=Action.CREATE,
        obj=token,
        org_path=user_org_path(user) or top_path(),
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> ApiToken:
    require_own_tokens(by, token.user)
    if token.revoked_at is not None:
        return token
    before = snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_log(
        user=by, action=Action.UPDATE, obj=token, before=before, org_path=user_org_path(token.user) or top_path()
    )
    return token
