import pytest
from django.urls import reverse
from django_otp.oath import TOTP

from chibo.security import services

PASSWORD = "matkhau-thu-123"


def totp_code(device, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += offset * device.step
    return str(totp.token()).zfill(device.digits)


def give_totp(user) -> tuple:
    """A confirmed authenticator device and its recovery codes, as the setup page leaves them."""
    device = services.pending_totp(user)
    codes = services.totp_confirm(device=device, by=user)
    device.refresh_from_db()
    return device, codes


def post_login(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


@pytest.fixture
def two_factor_on(settings):
    settings.CHIBO_REQUIRE_2FA = True
    return settings
