"""`chibo seed-demo` gives the demo's staff, supervisor and administrator a second factor and prints it."""

import re
from base64 import b32decode

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from chibo.demo.second_factor import demo_key, ensure_demo_second_factors

pytestmark = pytest.mark.django_db


def test_seed_demo_prints_a_secret_and_a_recovery_code_that_log_in(capsys, client, settings):
    settings.CHIBO_REQUIRE_2FA = True
    call_command("seed_demo", "--cells", "3", "--members-per-cell", "5", "--months", "2")
    out = capsys.readouterr().out
    secrets = dict(re.findall(r"otpauth://totp/Chibo%3A(\w+)\?secret=([A-Z2-7]+)", out))
    assert set(secrets) == {"quantri", "canbo", "phutrach"}
    codes = re.findall(r"mã khôi phục \(dùng một lần\): ([a-z0-9]{5}-[a-z0-9]{5})", out)
    assert len(codes) == 3
    # Fixed per account: the same secret on every run and every machine.
    device = TOTPDevice.objects.get(user__username="canbo")
    assert device.key == demo_key("canbo")
    ensure_demo_second_factors()
    assert TOTPDevice.objects.get(user__username="canbo").key == device.key

    response = client.post(
        reverse("login"), {"username": "canbo", "password": "canbo-chibo-2021"}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith(reverse("security:verify"))
    key = b32decode(secrets["canbo"] + "=" * (-len(secrets["canbo"]) % 8))
    code = str(TOTP(key).token()).zfill(6)
    response = client.post(response.redirect_chain[-1][0], {"code": code}, follow=True)
    assert "Đăng xuất (canbo)" in response.content.decode()

    other = type(client)()
    other.post(reverse("login"), {"username": "quantri", "password": "quantri-chibo-2021"})
    response = other.post(reverse("security:verify"), {"code": codes[0]})
    assert response.status_code == 302
