import datetime as dt

from django.utils import timezone
from ninja.security import HttpBearer

from chibo.api.models import ApiToken, hash_token

# Writing last_used_at on every call would turn each read into a write; once a minute is enough
# to tell a user which tokens are still in use.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: the token's hash is looked up among active tokens."""

    def authenticate(self, request, token):
        if not token:
            return None
        found = ApiToken.objects.active().select_related("user").filter(key_hash=hash_token(token)).first()
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found
        return found.user
