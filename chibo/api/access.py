"""API tokens are private to their owner: someone else's token is "not found", not "forbidden"."""

from django.http import Http404

from chibo.api.models import ApiToken


def get_token_for_user(user, pk) -> ApiToken:
    token = ApiToken.objects.filter(pk=pk, user=user).first() if getattr(user, "pk", None) else None
    if token is None:
        raise Http404("Không tìm thấy khóa.")
    return token
