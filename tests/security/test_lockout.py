"""Lockout (django-axes): per account after CHIBO_LOGIN_FAILURE_LIMIT, per address after the higher
CHIBO_LOGIN_IP_FAILURE_LIMIT; the login page says until when; staff unlock accounts in their scope."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from chibo.audit.models import Action, AuditEntry
from tests.security.conftest import PASSWORD, post_login

pytestmark = pytest.mark.django_db


def fail(client, username, times, **extra):
    response = None
    for _ in range(times):
        response = post_login(client, username, "sai-mat-khau", **extra)
    return response


def test_five_failures_lock_the_account_with_a_vietnamese_message_and_the_time(client, cast):
    response = fail(client, "dangvien", 4)
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()

    before = timezone.now()
    response = fail(client, "dangvien", 1)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Tạm khóa đăng nhập" in body
    shown = re.search(r"Hãy thử lại sau <strong>(\d\d:\d\d)</strong>", body).group(1)
    expected = timezone.localtime(before + dt.timedelta(minutes=15))
    # HH:MM in Asia/Ho_Chi_Minh, 15 minutes after the last failure.
    assert shown in {expected.strftime("%H:%M"), (expected + dt.timedelta(minutes=1)).strftime("%H:%M")}
    assert 'name="username"' in body  # the login page itself, not a bare 429 page

    # Even the right password is refused while locked, from the same or another address.
    assert post_login(client, "dangvien").status_code == 429
    assert post_login(client, "dangvien", REMOTE_ADDR="10.9.9.9").status_code == 429
    # Another account from the same address is not locked by it.
    response = post_login(client, "bithu")
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action=Action.LOCKOUT, object_id=str(cast.member_user.pk)).count() == 1


def test_the_lock_ends_after_the_cool_off(client, cast, settings):
    settings.CHIBO_LOGIN_FAILURE_LIMIT = 3
    fail(client, "dangvien", 3)
    assert post_login(client, "dangvien").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert post_login(client, "dangvien").status_code == 302


def test_the_address_is_locked_at_its_own_higher_limit(client, cast, settings):
    settings.CHIBO_LOGIN_IP_FAILURE_LIMIT = 8
    # 4 failures each on two names: no account reaches 5, but the address reaches 8.
    fail(client, "khong-co-1", 4)
    response = fail(client, "khong-co-2", 4)
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()
    assert post_login(client, "bithu").status_code == 429
    # The same account from another address logs in.
    assert post_login(client, "bithu", REMOTE_ADDR="10.0.0.7").status_code == 302


def test_behind_the_trusted_proxy_the_forwarded_address_is_counted(client, cast, settings):
    settings.CHIBO_TRUSTED_PROXY = True
    settings.CHIBO_LOGIN_IP_FAILURE_LIMIT = 4
    fail(client, "khong-co", 4, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert AccessAttempt.objects.filter(ip_address="203.0.113.5").exists()
    # Another client behind the same proxy is not locked by it.
    assert post_login(client, "bithu", HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302


def test_without_the_trusted_proxy_the_header_is_ignored(client, cast):
    fail(client, "khong-co", 1, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_an_unknown_login_is_answered_like_a_known_one(client, cast):
    known = fail(client, "dangvien", 1).content.decode()
    unknown = fail(client, "khong-ai-ca", 1).content.decode()
    token = re.compile(r"[A-Za-z0-9]{64}")
    assert token.sub("", known).replace("dangvien", "X") == token.sub("", unknown).replace("khong-ai-ca", "X")
    # Locked the same way, too.
    assert fail(client, "khong-ai-ca", 4).status_code == 429


def test_a_success_clears_the_account_failures_but_not_the_address(client, cast, settings):
    settings.CHIBO_LOGIN_IP_FAILURE_LIMIT = 50
    fail(client, "dangvien", 4)
    fail(client, "khong-co", 3)
    assert post_login(client, "dangvien").status_code == 302
    assert not AccessAttempt.objects.filter(username="dangvien").exists()
    assert AccessAttempt.objects.filter(username="khong-co").exists()


# --- unlock by staff


def lock(username):
    AccessAttempt.objects.create(
        username=username,
        ip_address="127.0.0.1",
        user_agent="test",
        failures_since_start=5,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/dang-nhap/",
    )


def test_staff_see_and_unlock_a_locked_account_of_their_subtree(client, cast):
    lock("dangvien")
    lock("bithu_hk")  # a sibling ward's cell leader: not theirs
    client.force_login(cast.staff)
    page = client.get(reverse("security:accounts"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Lê Văn An" in body and "dangvien" in body
    assert "bithu_hk" not in body
    response = client.post(reverse("security:unlock", args=[cast.member_user.pk]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="dangvien").exists()
    entry = AuditEntry.objects.get(action=Action.UNLOCK)
    assert entry.user == cast.staff and entry.org_path == cast.cell.path and entry.model == "auth.user"
    assert post_login(client, "dangvien").status_code == 302


def test_sibling_staff_cannot_unlock_and_members_have_no_page(client, cast):
    lock("dangvien")
    client.force_login(cast.outsider)
    assert "dangvien" not in client.get(reverse("security:accounts")).content.decode()
    assert client.post(reverse("security:unlock", args=[cast.member_user.pk])).status_code == 404
    assert AccessAttempt.objects.filter(username="dangvien").exists()
    assert not AuditEntry.objects.filter(action=Action.UNLOCK).exists()
    client.force_login(cast.member_user)
    assert client.get(reverse("security:accounts")).status_code == 404
    assert client.post(reverse("security:unlock", args=[cast.member_user.pk])).status_code == 404


def test_an_account_whose_roles_are_all_inside_the_subtree_is_in_scope(client, cast):
    # The supervisor has no member record; their only role is on the ward.
    lock("phutrach")
    client.force_login(cast.staff)
    assert "phutrach" in client.get(reverse("security:accounts")).content.decode()
    client.force_login(cast.outsider)
    assert client.post(reverse("security:unlock", args=[cast.supervisor.pk])).status_code == 404


def test_the_login_field_is_labelled_for_card_numbers(client, db):
    body = client.get(reverse("login")).content.decode()
    assert "Số thẻ đảng viên, số điện thoại hoặc tên đăng nhập" in body
    assert PASSWORD  # the shared test password is what the factories set
