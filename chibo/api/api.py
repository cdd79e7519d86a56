from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer

from chibo.api.models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = ApiToken.objects.select_related("user").filter(key_hash=hash_token(token)).first()
        if found is None or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="Chibo API",
    version="1",
    description="API JSON của Chibo. Xác thực bằng khóa: `Authorization: Bearer <khóa>`.",
    auth=TokenAuth(),
    urls_namespace="api",
)
