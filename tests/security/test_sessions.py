"""Sessions: the idle timeout, "log out of every device" for oneself and by staff in scope, Argon2."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.urls import reverse

from chibo import settings as production
from chibo.audit.models import Action, AuditEntry
from chibo.security.signals import SEEN_KEY
from tests.security.conftest import post_login

pytestmark = pytest.mark.django_db


def page(client):
    return client.get(reverse("members:detail", args=[client.member_pk]))


def logged_in(cast, user):
    client = Client()
    client.force_login(user)
    client.member_pk = cast.member.pk
    return client


def test_an_idle_session_ends_and_the_login_page_says_so(cast):
    client = logged_in(cast, cast.member_user)
    assert page(client).status_code == 200
    session = client.session
    session[SEEN_KEY] -= 31 * 60
    session.save()
    response = page(client)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    body = client.get(response.url).content.decode()
    assert "Phiên làm việc đã kết thúc vì quá 30 phút không thao tác" in body
    # Not logged in any more.
    assert page(client).status_code == 302


def test_a_session_used_within_the_idle_time_stays(cast, settings):
    settings.CHIBO_SESSION_IDLE_MINUTES = 60
    client = logged_in(cast, cast.member_user)
    session = client.session
    session[SEEN_KEY] -= 31 * 60
    session.save()
    assert page(client).status_code == 200
    # The request moved the last-seen time forward.
    assert client.session[SEEN_KEY] > session[SEEN_KEY]


def test_log_out_of_every_device_ends_the_other_sessions_of_the_same_user(cast):
    phone, laptop = logged_in(cast, cast.member_user), logged_in(cast, cast.member_user)
    assert page(phone).status_code == 200 and page(laptop).status_code == 200
    response = laptop.post(reverse("security:logout_everywhere"), {"confirm": "on"})
    assert response.status_code == 302 and response.url == reverse("login")
    response = page(phone)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "đăng xuất khỏi mọi thiết bị" in phone.get(response.url).content.decode()
    assert page(laptop).status_code == 302
    entry = AuditEntry.objects.get(action=Action.LOGOUT_ALL)
    assert entry.user == cast.member_user and entry.org_path == cast.cell.path
    # Another user's session is untouched.
    other = logged_in(cast, cast.leader_user)
    assert page(other).status_code == 200
    # Logging in again works.
    fresh = Client()
    fresh.member_pk = cast.member.pk
    assert post_login(fresh, "dangvien").status_code == 302
    assert page(fresh).status_code == 200


def test_staff_log_out_a_member_of_their_subtree_but_not_a_siblings(cast):
    member = logged_in(cast, cast.member_user)
    sibling = logged_in(cast, cast.sibling_leader)
    staff = logged_in(cast, cast.staff)
    found = staff.get(reverse("security:accounts"), {"q": "dangvien"}).content.decode()
    assert "Lê Văn An" in found
    assert "bithu_hk" not in staff.get(reverse("security:accounts"), {"q": "bithu"}).content.decode()

    response = staff.post(reverse("security:logout_user", args=[cast.member_user.pk]), {"confirm": "on"})
    assert response.status_code == 302
    assert page(member).status_code == 302
    assert page(staff).status_code == 200
    entry = AuditEntry.objects.get(action=Action.LOGOUT_ALL)
    assert entry.user == cast.staff and entry.org_path == cast.cell.path

    response = staff.post(reverse("security:logout_user", args=[cast.sibling_leader.pk]), {"confirm": "on"})
    assert response.status_code == 404
    assert sibling.get(reverse("home")).status_code in {200, 302}
    assert sibling.get(reverse("orgs:detail", args=[cast.other_cell.pk])).status_code == 200
    # The sibling ward's staff may not do it to ours.
    outsider = logged_in(cast, cast.outsider)
    assert outsider.post(reverse("security:logout_user", args=[cast.member_user.pk])).status_code == 404
    assert AuditEntry.objects.filter(action=Action.LOGOUT_ALL).count() == 1


def test_argon2_hashes_a_new_password_with_the_production_settings(settings, db):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    user = get_user_model().objects.create_user("moi", password="mat-khau-moi-2024")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password("mat-khau-moi-2024")
