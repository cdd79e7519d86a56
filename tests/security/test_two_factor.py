"""Second factor: required for staff, supervisors and administrators (redirect; JSON 403 for the API with
a session), optional for members; TOTP set-up with a QR, recovery codes that work once; API tokens."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from chibo.api.models import ApiToken
from chibo.api.services import token_create
from chibo.audit.models import Action, AuditEntry
from chibo.orgs.models import Role, RoleKind
from tests.factories import make_user
from tests.security.conftest import give_totp, post_login, totp_code

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["staff", "supervisor", "admin", "superuser"])
def test_staff_supervisors_and_admins_must_set_up_a_second_factor(client, cast, two_factor_on, who):
    if who == "admin":
        user = make_user("quantri", role=RoleKind.ADMIN, org=cast.city)
    elif who == "superuser":
        user = make_user("goc")
        user.is_superuser = True
        user.save()
    else:
        user = getattr(cast, who)
    client.force_login(user)
    response = client.get(reverse("orgs:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("security:setup"))
    assert "next=" in response.url
    # The JSON API with that session: a JSON 403, not a redirect.
    response = client.get("/api/v1/orgs")
    assert response.status_code == 403
    assert "xác thực hai lớp" in response.json()["detail"]


def test_with_a_device_staff_are_sent_to_verify_and_then_pass(client, cast, two_factor_on):
    device, _ = give_totp(cast.staff)
    client.force_login(cast.staff)
    response = client.get(reverse("orgs:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("security:verify"))
    response = client.post(response.url, {"code": totp_code(device), "next": reverse("orgs:list")})
    assert response.status_code == 302 and response.url == reverse("orgs:list")
    assert client.get(reverse("orgs:list")).status_code == 200
    assert client.get("/api/v1/orgs").status_code == 200


def test_members_are_not_asked(client, cast, two_factor_on):
    for user in (cast.member_user, cast.leader_user):
        client.force_login(user)
        assert client.get(reverse("home")).status_code in {200, 302}
        response = client.get(reverse("members:detail", args=[cast.member.pk]))
        assert response.status_code == 200


def test_a_member_with_a_device_is_asked_for_the_code_at_login(client, cast):
    device, _ = give_totp(cast.member_user)
    response = post_login(client, "dangvien")
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302 and response.url.startswith(reverse("security:verify"))


def test_the_setting_off_lets_staff_in_without_a_device(client, cast, settings):
    settings.CHIBO_REQUIRE_2FA = False
    client.force_login(cast.staff)
    assert client.get(reverse("orgs:list")).status_code == 200


def test_bearer_tokens_are_unaffected(client, cast, two_factor_on):
    _, raw = token_create(user=cast.staff, name="Bảng tính", by=cast.staff)
    response = client.get("/api/v1/orgs", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200


def test_a_wrong_code_is_refused_and_a_recovery_code_works_once(client, cast, two_factor_on):
    device, codes = give_totp(cast.staff)
    client.force_login(cast.staff)
    url = reverse("security:verify")
    right = totp_code(device)
    wrong = str((int(right) + 1) % 1_000_000).zfill(6)
    response = client.post(url, {"code": wrong})
    assert response.status_code == 200
    assert "Mã xác thực: mã không đúng" in response.content.decode()
    assert client.get(reverse("orgs:list")).status_code == 302
    assert AuditEntry.objects.filter(action=Action.LOGIN_FAILED, object_id=str(cast.staff.pk)).exists()

    assert client.post(url, {"code": codes[0].upper()}).status_code == 302
    assert client.get(reverse("orgs:list")).status_code == 200
    assert StaticToken.objects.filter(device__user=cast.staff).count() == 9

    other = type(client)()
    other.force_login(cast.staff)
    response = other.post(url, {"code": codes[0]})
    assert response.status_code == 200  # used up
    # A wrong code slows the device down (django-otp throttling): the next try waits a second.
    assert StaticDevice.objects.get(user=cast.staff).throttling_failure_count == 1
    StaticDevice.objects.get(user=cast.staff).throttle_reset()
    assert other.post(url, {"code": codes[1].replace("-", "")}).status_code == 302


def test_setup_shows_a_qr_and_the_secret_and_counts_only_after_a_right_code(client, cast, two_factor_on):
    client.force_login(cast.staff)
    page = client.get(reverse("security:setup"))
    body = page.content.decode()
    assert "<svg" in body
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', body).group(1)
    assert len(secret.split()[0]) == 4
    device = TOTPDevice.objects.get(user=cast.staff)
    assert not device.confirmed
    assert "issuer=Chibo" in device.config_url
    # A reload keeps the same secret.
    assert secret in client.get(reverse("security:setup")).content.decode()

    response = client.post(reverse("security:setup"), {"code": "000000"})
    assert "mã không đúng" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()

    response = client.post(reverse("security:setup"), {"code": totp_code(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", response.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    # Verified in this session from now on.
    assert client.get(reverse("orgs:list")).status_code == 200
    entry = AuditEntry.objects.get(action=Action.OTP)
    assert entry.org_path == cast.ward.path
    assert device.key not in str(entry.after) + entry.object_repr


def test_recovery_codes_are_regenerated_on_request(client, cast):
    device, codes = give_totp(cast.member_user)
    client.force_login(cast.member_user)
    client.post(reverse("security:verify"), {"code": codes[0]})
    response = client.post(reverse("security:recovery_codes"))
    fresh = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", response.content.decode())
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    assert set(
        StaticToken.objects.filter(device__user=cast.member_user).values_list("token", flat=True)
    ) == set(fresh)


def test_a_member_may_turn_it_off_staff_may_not(client, cast, two_factor_on):
    _, codes = give_totp(cast.member_user)
    client.force_login(cast.member_user)
    client.post(reverse("security:verify"), {"code": codes[0]})
    client.post(reverse("security:remove"), {"confirm": "on"})
    assert not TOTPDevice.objects.filter(user=cast.member_user).exists()

    _, codes = give_totp(cast.staff)
    client.force_login(cast.staff)
    client.post(reverse("security:verify"), {"code": codes[0]})
    client.post(reverse("security:remove"), {"confirm": "on"})
    assert TOTPDevice.objects.filter(user=cast.staff, confirmed=True).exists()


# --- API tokens


def test_token_creation_asks_for_the_second_factor_first(client, cast, two_factor_on):
    # A member (2FA optional) with a device: verify, then back to the token page.
    device, _ = give_totp(cast.member_user)
    client.force_login(cast.member_user)
    response = client.post(reverse("tokens:list"), {"name": "Bảng tính"})
    assert response.status_code == 302 and response.url.startswith(reverse("security:verify"))
    assert not ApiToken.objects.exists()
    response = client.post(
        reverse("security:verify"), {"code": totp_code(device), "next": reverse("tokens:list")}
    )
    assert response.url == reverse("tokens:list")
    response = client.post(reverse("tokens:list"), {"name": "Bảng tính"})
    assert response.status_code == 200 and ApiToken.objects.filter(user=cast.member_user).count() == 1


def test_token_creation_without_a_device_sends_to_set_up(client, cast, two_factor_on):
    client.force_login(cast.leader_user)
    response = client.post(reverse("tokens:list"), {"name": "Bảng tính"})
    assert response.status_code == 302 and response.url.startswith(reverse("security:setup"))
    assert "next=%2Fkhoa-api%2F" in response.url
    assert not ApiToken.objects.exists()


def test_a_revoked_role_no_longer_requires_it(client, cast, two_factor_on):
    Role.objects.filter(user=cast.staff).delete()
    client.force_login(cast.staff)
    response = client.get(reverse("security:home"))
    assert response.status_code == 200


def test_public_pages_and_the_schema_stay_open_before_the_second_factor(client, cast, two_factor_on):
    client.force_login(cast.staff)
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get(reverse("security:setup")).status_code == 200
    # Logging out is always possible.
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("security:home")).status_code == 302  # anonymous now: to the login page


def test_a_page_can_be_opened_to_unverified_users_with_the_decorator(rf, cast, two_factor_on):
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    from chibo.security.decorators import second_factor_not_required
    from chibo.security.middleware import SessionGuardMiddleware

    @second_factor_not_required
    def view(request):
        return HttpResponse("ok")

    def closed(request):
        return HttpResponse("ok")

    request = rf.get("/tai-khoan/doi-mat-khau/")
    request.user = cast.staff
    request.user.is_verified = lambda: False
    request.session = SessionStore()
    middleware = SessionGuardMiddleware(lambda r: HttpResponse())
    assert middleware.process_view(request, view, (), {}) is None
    assert middleware.process_view(request, closed, (), {}).status_code == 302
