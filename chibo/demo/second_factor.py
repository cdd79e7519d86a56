"""The demo's second factors: staff, supervisor and administrator must pass one (CHIBO_REQUIRE_2FA), so
each gets a confirmed authenticator device with a fixed secret (the printed secret stays valid across
runs and machines: it is a demo, never a real account) and a few recovery codes."""

import hashlib
import io
import sys
from base64 import b32encode
from dataclasses import dataclass

import segno
from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from chibo.security import services

DEMO_TWO_FACTOR_USERNAMES = ("quantri", "canbo", "phutrach")
RECOVERY_CODES = 5


@dataclass(frozen=True)
class DemoSecondFactor:
    username: str
    secret: str  # base32, as typed into an authenticator app
    url: str  # otpauth://…
    recovery_code: str  # one unused recovery code ("" when all are used)


def demo_key(username: str) -> str:
    """The device key (40 hex digits, 20 bytes) of a demo account: the same on every run."""
    return hashlib.sha1(f"chibo-demo-totp-{username}".encode()).hexdigest()


@transaction.atomic
def ensure_demo_second_factors() -> None:
    """Idempotent: gives the demo's staff, supervisor and administrator their device and codes if missing
    (also for a demo database made before second factors existed)."""
    users = get_user_model().objects.filter(username__in=DEMO_TWO_FACTOR_USERNAMES)
    for user in users:
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.filter(user=user).delete()
            TOTPDevice.objects.create(
                user=user, name=services.TOTP_NAME, key=demo_key(user.username), confirmed=True
            )
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=services.RECOVERY_NAME, defaults={"confirmed": True}
        )
        if not device.token_set.exists():
            StaticToken.objects.bulk_create(
                [
                    StaticToken(device=device, token=services.new_recovery_code())
                    for _ in range(RECOVERY_CODES)
                ]
            )


def demo_second_factors() -> dict[str, DemoSecondFactor]:
    found = {}
    devices = TOTPDevice.objects.filter(
        user__username__in=DEMO_TWO_FACTOR_USERNAMES, confirmed=True
    ).select_related("user")
    for device in devices:
        token = (
            StaticToken.objects.filter(device__user=device.user, device__confirmed=True)
            .order_by("pk")
            .first()
        )
        found[device.user.username] = DemoSecondFactor(
            username=device.user.username,
            secret=b32encode(device.bin_key).decode().rstrip("="),
            url=device.config_url,
            recovery_code=token.token if token else "",
        )
    return found


def terminal_qr(url: str) -> list[str]:
    out = io.StringIO()
    segno.make(url, error="l").terminal(out=out, compact=True, border=2)
    return out.getvalue().splitlines()


def print_second_factor(write, factor: DemoSecondFactor, *, qr: bool | None = None) -> None:
    grouped = " ".join(factor.secret[i : i + 4] for i in range(0, len(factor.secret), 4))
    write(f"      xác thực hai lớp: khóa bí mật {grouped} (thêm vào ứng dụng xác thực)")
    write(f"      hoặc mã khôi phục (dùng một lần): {factor.recovery_code or 'đã dùng hết'}")
    write(f"      {factor.url}")
    if qr is None:
        qr = sys.stdout.isatty()
    if qr:
        for line in terminal_qr(factor.url):
            write(f"      {line}")
