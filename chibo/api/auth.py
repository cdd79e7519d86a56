import datetime as dt

from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from chibo.api.access import require_token_allows
from chibo.api.models import ApiToken, hash_token

# Writing last_used_at on every call would turn each read into a write; once a minute is enough
# to tell a user which tokens are still in use.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: the token's hash is looked up among active (not revoked, not
    expired) tokens. A read-only token is refused on any write (403)."""

    def authenticate(self, request, token):
        if not token:
            return None
        found = ApiToken.objects.active().select_related("user").filter(key_hash=hash_token(token)).first()
        if found is None:
            return None
        require_token_allows(found, request.method)
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found
        return found.user


class LoggedInSession(SessionAuth):
    """The browser's login session, with Django's CSRF check on writes.

    ninja's `django_auth` runs the CSRF check before it looks at the user, so a write with no
    credentials at all (no token, a wrong or expired token, no session) answered 403 "CSRF" instead
    of the 401 docs/api.md promises. The check only protects a logged-in session, so it runs only
    when there is one.
    """

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


session_auth = LoggedInSession()
