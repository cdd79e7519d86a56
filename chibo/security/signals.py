"""Receivers: the session's copy of the account's counter at login; failed logins and lockouts in the
audit log; the per-user row kept in step with the user's second-factor devices."""

import time

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from chibo.audit.models import Action, AuditEntry
from chibo.security.backends import BACKEND_PATH
from chibo.security.models import SessionEpoch

EPOCH_KEY = "security_epoch"
SEEN_KEY = "security_seen"
# Backends whose get_user is ModelBackend's (an active user by primary key).
PLAIN_USER_LOADERS = {
    "chibo.accounts.backends.LoginBackend",
    "django.contrib.auth.backends.ModelBackend",
    BACKEND_PATH,
}


@receiver(user_logged_in)
def remember_epoch(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    epoch, _ = SessionEpoch.objects.get_or_create(user=user)
    request.session[EPOCH_KEY] = epoch.counter
    if request.session.get(BACKEND_SESSION_KEY) in PLAIN_USER_LOADERS:
        # Later requests load the user through LoginGuardBackend.get_user (same rule: an active
        # account by id), which brings the SessionEpoch row in the same query.
        request.session[BACKEND_SESSION_KEY] = BACKEND_PATH
    request.session[SEEN_KEY] = int(time.time())


@receiver(user_login_failed)
def audit_failed_login(sender, credentials, request=None, **kwargs):
    # Only logins through a page (a shell or the test client has no request and no address).
    if request is None:
        return
    from chibo.security import services

    login = (credentials or {}).get("username") or ""
    address = getattr(request, "axes_ip_address", "") or ""
    note = f"từ {address}" if address else ""
    user = services.find_account(login)
    if user is None:
        services.audit_unknown_login(action=Action.LOGIN_FAILED, login=login, note=note)
    else:
        services.audit_account(action=Action.LOGIN_FAILED, target=user, note=note)


@receiver(user_locked_out)
def audit_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    """One entry when a lock starts (axes signals again at every refused attempt during it)."""
    from chibo.security import lockout, services

    if request is not None:
        if getattr(request, "_chibo_lockout_audited", False):
            return
        request._chibo_lockout_audited = True
    by_name = bool(username) and lockout.failures_of(username=username) >= settings.CHIBO_LOGIN_FAILURE_LIMIT
    if by_name:
        user = services.find_account(username)
        key = (
            {"object_id": str(user.pk)}
            if user
            else {"object_id": "", "object_repr__startswith": f"«{username[:60]}»"}
        )
    else:
        key = {"object_id": "", "object_repr__startswith": f"Địa chỉ {ip_address}"}
    since = timezone.now() - lockout.cool_off()
    last = (
        AuditEntry.objects.filter(
            model="auth.user", action__in=[Action.LOCKOUT, Action.UNLOCK], at__gt=since, **key
        )
        .values_list("action", flat=True)
        .first()
    )
    if last == Action.LOCKOUT:
        return
    if not by_name:
        AuditEntry.objects.create(
            action=Action.LOCKOUT,
            model="auth.user",
            object_repr=f"Địa chỉ {ip_address} — quá nhiều lần đăng nhập sai"[:255],
        )
    elif user is None:
        services.audit_unknown_login(action=Action.LOCKOUT, login=username, note=f"từ {ip_address}")
    else:
        services.audit_account(action=Action.LOCKOUT, target=user, note=f"từ {ip_address}")


def sync_second_factor(user_id, *, create: bool = True) -> None:
    has = (
        TOTPDevice.objects.filter(user_id=user_id, confirmed=True).exists()
        or StaticDevice.objects.filter(user_id=user_id, confirmed=True).exists()
    )
    updated = SessionEpoch.objects.filter(user_id=user_id).update(has_second_factor=has)
    if not updated and create:
        SessionEpoch.objects.get_or_create(user_id=user_id, defaults={"has_second_factor": has})


@receiver(post_save, sender=TOTPDevice)
@receiver(post_save, sender=StaticDevice)
def device_saved(sender, instance, **kwargs):
    sync_second_factor(instance.user_id)


@receiver(post_delete, sender=TOTPDevice)
@receiver(post_delete, sender=StaticDevice)
def device_deleted(sender, instance, **kwargs):
    # No new row here: the user may be being deleted with their devices.
    sync_second_factor(instance.user_id, create=False)
