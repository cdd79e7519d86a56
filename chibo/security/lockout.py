"""django-axes, configured: the login name and the address are counted apart, each with its own limit.

Axes compares one number with one limit; `LoginGuardHandler.get_failures` answers "the limit is reached"
when the address has reached its (higher) limit, and otherwise the login name's own count.
"""

import datetime as dt

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from chibo.common.http import client_address


def cool_off(request=None) -> dt.timedelta:
    return dt.timedelta(minutes=settings.CHIBO_LOGIN_LOCKOUT_MINUTES)


def failure_limit(request=None, credentials=None) -> int:
    return settings.CHIBO_LOGIN_FAILURE_LIMIT


def client_ip(request) -> str:
    # Behind CHIBO_TRUSTED_PROXY the address of X-Forwarded-For, as the portal counts it.
    return client_address(request)


def _recent(**filters):
    return AccessAttempt.objects.filter(attempt_time__gt=timezone.now() - cool_off(), **filters)


def failures_of(*, username: str | None = None, ip_address: str | None = None) -> int:
    filters = {"username": username} if username is not None else {"ip_address": ip_address}
    return _recent(**filters).aggregate(n=Sum("failures_since_start"))["n"] or 0


def is_locked(*, username: str | None, ip_address: str | None) -> bool:
    by_name = username is not None and failures_of(username=username) >= settings.CHIBO_LOGIN_FAILURE_LIMIT
    by_address = (
        ip_address is not None and failures_of(ip_address=ip_address) >= settings.CHIBO_LOGIN_IP_FAILURE_LIMIT
    )
    return by_name or by_address


def locked_until(*, username: str | None, ip_address: str | None) -> dt.datetime | None:
    """When the lock set by the last failure ends (each failure during a lockout restarts it)."""
    times = []
    if username is not None and failures_of(username=username) >= settings.CHIBO_LOGIN_FAILURE_LIMIT:
        times.append(_recent(username=username).aggregate(t=Max("attempt_time"))["t"])
    if ip_address and failures_of(ip_address=ip_address) >= settings.CHIBO_LOGIN_IP_FAILURE_LIMIT:
        times.append(_recent(ip_address=ip_address).aggregate(t=Max("attempt_time"))["t"])
    times = [t for t in times if t is not None]
    return max(times) + cool_off() if times else None


def locked_usernames() -> list[str]:
    """Login names locked now (whatever address they were tried from)."""
    rows = (
        _recent()
        .exclude(username=None)
        .values("username")
        .annotate(n=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(n__gte=settings.CHIBO_LOGIN_FAILURE_LIMIT)
        .order_by("username")
    )
    return [row["username"] for row in rows]


def unlock_username(username: str) -> int:
    deleted, _ = AccessAttempt.objects.filter(username=username).delete()
    return deleted


class LoginGuardHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD) if credentials else None
        ip_address = getattr(request, "axes_ip_address", None)
        if ip_address and failures_of(ip_address=ip_address) >= settings.CHIBO_LOGIN_IP_FAILURE_LIMIT:
            return settings.CHIBO_LOGIN_FAILURE_LIMIT
        return failures_of(username=username) if username else 0

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        # A success clears the account's own failures, never the address's: one good password must not
        # reset the count of an address trying many accounts.
        AccessAttempt.objects.filter(username=user.get_username()).delete()
