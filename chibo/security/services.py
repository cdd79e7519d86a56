"""Writes of the login security: audit entries, second factors, sign-out of every device, unlocks.

Audit entries name the account ("auth.user") and never carry a password, a secret or a code."""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from chibo.audit.models import Action, AuditEntry
from chibo.audit.services import user_row
from chibo.common.people import person_name
from chibo.members.selectors import user_org_path
from chibo.security import lockout
from chibo.security.models import SessionEpoch

RECOVERY_CODES = 10
TOTP_NAME = "Ứng dụng xác thực"
RECOVERY_NAME = "Mã khôi phục"


def _describe(user) -> str:
    name = person_name(user)
    login = user.get_username()
    return name if name == login else f"{name} ({login})"


def audit_account(*, action: str, target, by=None, note: str = "") -> AuditEntry:
    """One entry about an account, filed under the account's cell or first role's organisation."""
    text = _describe(target)
    if note:
        text = f"{text} — {note}"
    return AuditEntry.objects.create(
        user=user_row(by),
        action=action,
        model="auth.user",
        object_id=str(target.pk),
        object_repr=text[:255],
        org_path=user_org_path(target),
    )


def audit_unknown_login(*, action: str, login: str, note: str = "") -> AuditEntry:
    # No account behind the name: no organisation, so only administrators read it.
    text = f"«{login[:60]}» (không có tài khoản)"
    if note:
        text = f"{text} — {note}"
    return AuditEntry.objects.create(
        user=None, action=action, model="auth.user", object_repr=text[:255], org_path=""
    )


def find_account(login: str):
    if not login:
        return None
    return get_user_model().objects.filter(username=login).first()


# --- Sessions


def session_epoch(user) -> int:
    epoch, _ = SessionEpoch.objects.get_or_create(user=user)
    return epoch.counter


@transaction.atomic
def sessions_end_all(*, user, by) -> None:
    """Every session of `user` ends at its next request."""
    epoch, _ = SessionEpoch.objects.select_for_update().get_or_create(user=user)
    SessionEpoch.objects.filter(pk=epoch.pk).update(counter=F("counter") + 1)
    note = "" if by is not None and by.pk == user.pk else "bởi cán bộ"
    audit_account(action=Action.LOGOUT_ALL, target=user, by=by, note=note)


# --- Lockouts


@transaction.atomic
def account_unlock(*, user, by) -> int:
    count = lockout.unlock_username(user.get_username())
    audit_account(action=Action.UNLOCK, target=user, by=by)
    return count


# --- Second factors


def confirmed_devices(user) -> list:
    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]


def has_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def has_second_factor(user) -> bool:
    return bool(user.pk) and (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or StaticDevice.objects.filter(user=user, confirmed=True, token_set__isnull=False).exists()
    )


def pending_totp(user) -> TOTPDevice:
    """The device being set up: kept across reloads so the secret shown does not change."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def new_recovery_code() -> str:
    # 10 characters without look-alikes (0/O, 1/l), written as two groups of five.
    alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(code: str) -> str:
    return "".join((code or "").split()).lower()


def _replace_recovery_codes(user, codes: list[str]) -> None:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])


@transaction.atomic
def totp_confirm(*, device: TOTPDevice, by) -> list[str]:
    """The app's first code was right: the device counts, the older ones go, fresh recovery codes."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
    _replace_recovery_codes(device.user, codes)
    audit_account(action=Action.OTP, target=device.user, by=by, note="bật xác thực hai lớp")
    return codes


@transaction.atomic
def recovery_codes_renew(*, user, by) -> list[str]:
    codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
    _replace_recovery_codes(user, codes)
    audit_account(action=Action.OTP, target=user, by=by, note="tạo lại mã khôi phục")
    return codes


@transaction.atomic
def second_factor_remove(*, user, by) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_account(action=Action.OTP, target=user, by=by, note="tắt xác thực hai lớp")


def match_code(user, code: str):
    """The device the code belongs to (a recovery code is used up), or None. Six digits are tried on
    the app only, anything else on the recovery codes only: a mistyped recovery code must not slow
    down (throttle) the app's codes."""
    code = normalise_code(code)
    if code.isdigit() and len(code) == 6:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    elif len(code.replace("-", "")) == 10:
        raw = code.replace("-", "")
        code = f"{raw[:5]}-{raw[5:]}"
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    else:
        return None
    for device in devices:
        if device.verify_is_allowed()[0] and device.verify_token(code):
            return device
    return None


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
